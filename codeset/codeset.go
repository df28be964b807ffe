// Package codeset holds the code systems a coder works with — ICD-10-CM
// diagnoses, HCPCS Level II, CPT (from a file the user supplies under an AMA
// licence), modifiers and CMS Place of Service codes — as dated releases.
//
// It reads the official release files (the CMS fixed-width order file, the
// tabular and index XML, the flattened index CSV, the HCPCS and POS lists),
// keeps every release with its effective period so that a code is judged as
// of the date of service, searches the codes the way an encoder does (index
// main terms and subterms, abbreviations, lay terms, typos, code prefixes)
// and validates codes and sets of claim diagnoses with rule ids.
//
// The package knows no database: it states what it needs from storage in
// the Store interface, which an adapter implements.
package codeset

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/openrcm/openrcm"
)

// System names a code system. The values are stable: they are stored.
type System string

// The code systems OpenRCM knows.
const (
	ICD10CM  System = "icd10cm"
	HCPCS    System = "hcpcs"
	CPT      System = "cpt"
	Modifier System = "modifier"
	POS      System = "pos"
)

// ParseSystem reads a system name as a user types it.
func ParseSystem(s string) (System, error) {
	switch strings.ToLower(strings.ReplaceAll(s, "-", "")) {
	case "icd10cm", "icd10", "icd":
		return ICD10CM, nil
	case "hcpcs":
		return HCPCS, nil
	case "cpt":
		return CPT, nil
	case "modifier", "modifiers", "mod":
		return Modifier, nil
	case "pos":
		return POS, nil
	}
	return "", rcm.Errorf(rcm.EINVALID, "unknown code system %q (want icd10cm, hcpcs, cpt, modifier or pos)", s)
}

// Public reports whether the system's content is public reference data
// shared by every organization. CPT descriptors are AMA-licensed, so a CPT
// release belongs to the organization that imported it.
func (s System) Public() bool { return s != CPT }

// Name is the system as coders name it, for messages.
func (s System) Name() string {
	switch s {
	case ICD10CM:
		return "ICD-10-CM"
	case HCPCS:
		return "HCPCS"
	case CPT:
		return "CPT"
	case Modifier:
		return "modifier"
	case POS:
		return "place of service"
	}
	return string(s)
}

// Code is one code of a release.
type Code struct {
	// Code is stored without the ICD-10-CM dot ("E119"); Display adds it.
	Code string
	// Billable is false for headers (categories and subcategories with
	// children), which may not be reported on a claim.
	Billable bool
	Short    string
	Long     string
}

// Description returns the long description, or the short one when the file
// had only that.
func (c Code) Description() string {
	if c.Long != "" {
		return c.Long
	}
	return c.Short
}

// Display returns a code as coders write it: ICD-10-CM with its dot after
// the category (E11.9), every other system as is.
func Display(sys System, code string) string {
	if sys == ICD10CM && len(code) > 3 && code[3] != '.' {
		return code[:3] + "." + code[3:]
	}
	return code
}

// Normalize turns a code as typed ("e11.9", " E119 ") into its stored form
// (upper case, no dot, no spaces).
func Normalize(code string) string {
	return codeReplacer.Replace(strings.TrimSpace(strings.ToUpper(code)))
}

var codeReplacer = strings.NewReplacer(".", "", " ", "")

// NoteKind is the kind of an instructional note of the ICD-10-CM Tabular
// List. The values are the XML element names, so they are stable.
type NoteKind string

// The Tabular List's instructional notes.
const (
	NoteInclusion     NoteKind = "inclusionTerm"
	NoteIncludes      NoteKind = "includes"
	NoteExcludes1     NoteKind = "excludes1"
	NoteExcludes2     NoteKind = "excludes2"
	NoteCodeFirst     NoteKind = "codeFirst"
	NoteUseAdditional NoteKind = "useAdditionalCode"
	NoteCodeAlso      NoteKind = "codeAlso"
	NoteSevenChrNote  NoteKind = "sevenChrNote"
	// NoteSevenChrDef holds one 7th-character value: Char is the character
	// and Text its meaning ("initial encounter for closed fracture").
	NoteSevenChrDef NoteKind = "sevenChrDef"
)

// Note is one instructional note attached to a code of the Tabular List;
// it applies to the code and every code below it.
type Note struct {
	Code string
	Kind NoteKind
	Char string // the 7th character, for NoteSevenChrDef only
	Text string
}

// Refs returns the code ranges a note points at, from the parenthesized
// references the Tabular List writes at the end of a note: "(C43.0)",
// "(C44.0-)", "(C41.0-C41.1)", "(F10.-)". Each range is a pair of stored
// codes; a single code is a range of itself and matches its descendants.
func (n Note) Refs() [][2]string { return noteRefs(n.Text) }

// IndexEntry is one line of the Alphabetic Index: a main term or subterm
// with its level, its parent (by position in the release's index), and the
// code or cross-reference it leads to.
type IndexEntry struct {
	Level   int
	Term    string
	NonEss  string // nonessential modifiers, in parentheses in the index
	Code    string // as printed, dotted, possibly ending in "-" (incomplete)
	See     string
	SeeAlso string
	Parent  int // position of the parent entry in the same slice; -1 for a main term
}

// Release is one import of a code system: its codes, the Tabular List's
// notes and the Alphabetic Index, with the period it is in force.
type Release struct {
	System System
	// Version names the release ("FY2025", "FY2025-04", "2025-10").
	Version string
	// Effective is the first day the release is in force; it stays in force
	// until the next release of the same system (and organization).
	Effective rcm.Date
	// Org is the organization that owns a licensed release (CPT); "" for
	// public reference data.
	Org string
	// Sources names the files the release was read from.
	Sources []string
	Codes   []Code
	Notes   []Note
	Index   []IndexEntry
}

// Key identifies a release: system, organization and version.
func (r *Release) Key() string { return string(r.System) + "/" + r.Org + "/" + r.Version }

// Store keeps releases. SaveRelease writes one release in one transaction:
// the release row is created if missing, and each non-empty part (codes,
// notes, index) replaces the stored part of the same release, so importing
// the order file and later the index of one fiscal year builds one release.
// Releases returns every stored release with all its parts, for start-up.
type Store interface {
	SaveRelease(ctx context.Context, r *Release) error
	Releases(ctx context.Context) ([]*Release, error)
}

// ErrSyntax is wrapped by every ParseError, so callers can tell bad input
// from an I/O failure.
var ErrSyntax = errors.New("malformed input")

// ParseError reports a malformed line of an import file.
type ParseError struct {
	File   string
	Line   int // 1-based; 0 when the error concerns the whole file
	Reason string
	Err    error
}

// Error implements the error interface as "file:line: reason".
func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Reason)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Reason)
}

// Unwrap returns ErrSyntax (or the wrapped error), for errors.Is.
func (e *ParseError) Unwrap() error {
	if e.Err != nil {
		return e.Err
	}
	return ErrSyntax
}

func parseErrorf(file string, line int, format string, args ...any) *ParseError {
	return &ParseError{File: file, Line: line, Reason: fmt.Sprintf(format, args...), Err: ErrSyntax}
}
