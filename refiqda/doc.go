// Package refiqda reads and writes the REFI-QDA exchange standard (QDA-XML
// 1.0): .qdpx project archives (a zip holding one *.qde XML file and a
// folder of sources) and .qdc codebooks.
//
// Reading is lenient, as real files require: elements are matched on their
// local names whatever the namespace (urn:QDA-XML:project:1.0, :1:0, :0:4
// ...), GUIDs compare case-insensitively with or without braces, the XML file
// may be named project.qde, Project.qde or after the project, the sources
// folder sources/ or Sources/, and a plainTextPath may lack its internal://
// prefix. Deviations from the schema that real tools produce are returned as
// warnings, not errors. Archives are read with safety limits: an entry whose
// name escapes the archive root is refused, and so is an archive whose entries
// expand past a byte cap (counting the bytes actually read, not the sizes the
// zip headers claim).
//
// Offsets: the standard counts Unicode code points, end exclusive, but NVivo
// for Windows writes UTF-16 code units and ATLAS.ti counts a CRLF line break
// as one. UnitFor picks the unit from the project's origin; NewText maps
// offsets in that unit onto code points of the normalised text (no BOM,
// CRLF and CR read as LF) that policykb stores.
//
// Writing is strict: Writer emits projects that validate against
// Project-mrt2019.xsd, with code-point offsets; WriteCodebook emits .qdc files
// that validate against Codebook.xsd.
//
// The package imports only the standard library.
package refiqda
