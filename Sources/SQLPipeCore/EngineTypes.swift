@_exported import struct SQLPipeEngine.CSVFieldEncoder
@_exported import struct SQLPipeEngine.ColumnDescription
@_exported import enum SQLPipeEngine.ColumnType
// The engine's types that the CLI uses, through the core: the CLI depends on the core library only.
@_exported import enum SQLPipeEngine.DataSystem
@_exported import enum SQLPipeEngine.FileCompression
@_exported import enum SQLPipeEngine.FileFormat
@_exported import struct SQLPipeEngine.FileSpec
@_exported import struct SQLPipeEngine.RowBatch
@_exported import class SQLPipeEngine.RunControl
@_exported import protocol SQLPipeEngine.StatementSink
@_exported import struct SQLPipeEngine.TSVFieldEncoder
@_exported import enum SQLPipeEngine.TransferMode
