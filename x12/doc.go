// Package x12 reads, validates and writes ASC X12 005010 interchanges as
// used in US healthcare: 837P (005010X222A1), 837I (005010X223A2), 835
// (005010X221A1), 270/271 (005010X279A1), 276/277 (005010X212), 277CA
// (005010X214), 999 (005010X231A1) and TA1.
//
// The package has three layers.
//
// A Reader tokenizes any io.Reader into segments with bounded memory. It
// learns the delimiters from each ISA header (element separator at byte
// 4, repetition separator ISA11, component separator ISA16, the segment
// terminator after it), skips line breaks between segments and rejects a
// segment longer than MaxSegmentSize. A Segment aliases the Reader's
// buffer and is valid until the next call to Next; Clone keeps one.
//
// A Validator checks envelopes (ISA/IEA, GS/GE, ST/SE, control numbers
// and counts) and every transaction against its implementation guide.
// Each guide is a Schema: loops with the guide's ids (1000A, 2010AA,
// 2300, 2400...), segment order, usage, repeat counts and, per element,
// type, length and allowed codes. Loops are found the way the guides
// define them: by the HL level code (HL03) where the guide is
// hierarchical and by qualifiers (NM101, REF01, DTP01...) elsewhere.
// Every broken rule becomes a Finding that names the transaction, the
// segment's position, the loop and the element, says what is wrong in
// plain words, and carries the code a 999 (IK3/IK4/IK5/AK9) or TA1 uses.
// Validation streams: one transaction's state at a time, no copy of the
// input.
//
// On top of those sit ReadTransactions, which hands over each transaction
// with its loop tree (Transaction, Node) for mapping code; Writer, which
// writes segments with chosen delimiters and builds envelopes with control
// numbers from a caller's Sequence; and Acknowledge, which answers a
// validated input with TA1 and 999 acknowledgements.
//
// The package depends only on the standard library so that it can be
// reused outside OpenRCM and fuzzed in isolation.
package x12
