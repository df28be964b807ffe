package codeset

import (
	"encoding/xml"
	"errors"
	"io"
	"regexp"
	"strings"
)

// Tabular is what the Tabular List XML holds beyond the order file: the
// codes of the chapters it covers (with their billable status as leaves)
// and every instructional note.
type Tabular struct {
	Codes []Code
	Notes []Note
}

var noteKinds = map[string]NoteKind{
	"inclusionTerm": NoteInclusion, "includes": NoteIncludes, "excludes1": NoteExcludes1,
	"excludes2": NoteExcludes2, "codeFirst": NoteCodeFirst, "useAdditionalCode": NoteUseAdditional,
	"codeAlso": NoteCodeAlso, "sevenChrNote": NoteSevenChrNote, "sevenChrDef": NoteSevenChrDef,
}

// ParseTabularXML reads the ICD-10-CM Tabular List XML (ICD10CM.tabular):
// chapters, sections and nested diag elements with their inclusion terms,
// Excludes1 and Excludes2 notes, code first, use additional code and code
// also notes, and the 7th-character definitions of the codes that take one.
// It streams the document, so line numbers in errors are exact.
func ParseTabularXML(r io.Reader, file string) (*Tabular, []*ParseError, error) {
	d := xml.NewDecoder(r)
	t := &Tabular{}
	var bad []*ParseError
	var stack []string // element names
	var diags []string // codes of the open diag elements
	var noteKind NoteKind
	var text strings.Builder
	var extChar string
	seen := map[string]bool{}
	rootOK := false
	addBad := func(line int, format string, args ...any) {
		if len(bad) < maxErrors {
			bad = append(bad, parseErrorf(file, line, format, args...))
		}
	}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return t, append(bad, parseErrorf(file, se.Line, "XML: %s", se.Msg)), nil
			}
			return t, bad, err
		}
		line, _ := d.InputPos()
		switch tok := tok.(type) {
		case xml.StartElement:
			name := tok.Name.Local
			if len(stack) == 0 {
				if name != "ICD10CM.tabular" {
					return t, append(bad, parseErrorf(file, line, "root element is <%s>, want <ICD10CM.tabular>", name)), nil
				}
				rootOK = true
			}
			stack = append(stack, name)
			text.Reset()
			switch {
			case name == "diag":
				diags = append(diags, "")
			case noteKinds[name] != "" && len(diags) > 0:
				noteKind = noteKinds[name]
			case name == "extension":
				extChar = ""
				for _, a := range tok.Attr {
					if a.Name.Local == "char" {
						extChar = strings.TrimSpace(a.Value)
					}
				}
			}
		case xml.CharData:
			text.Write(tok)
		case xml.EndElement:
			name := tok.Name.Local
			parent := ""
			if len(stack) >= 2 {
				parent = stack[len(stack)-2]
			}
			s := collapse(text.String())
			switch {
			case name == "name" && parent == "diag":
				code := Normalize(s)
				if !isICDCode(code) {
					addBad(line, "<diag><name> %q is not an ICD-10-CM code", s)
					code = ""
				} else if seen[code] {
					addBad(line, "code %s appears twice", Display(ICD10CM, code))
					code = ""
				}
				if code != "" {
					seen[code] = true
					if len(diags) >= 2 && diags[len(diags)-2] != "" && !strings.HasPrefix(code, diags[len(diags)-2]) {
						addBad(line, "code %s is nested under %s, which it does not extend", code, diags[len(diags)-2])
					}
				}
				diags[len(diags)-1] = code
			case name == "desc" && parent == "diag" && len(diags) > 0 && diags[len(diags)-1] != "":
				if s == "" {
					addBad(line, "code %s has an empty <desc>", diags[len(diags)-1])
				}
				t.Codes = append(t.Codes, Code{Code: diags[len(diags)-1], Long: s, Short: s})
			case name == "note" && noteKind != "" && noteKind != NoteSevenChrDef && len(diags) > 0:
				if code := diags[len(diags)-1]; code != "" && s != "" {
					t.Notes = append(t.Notes, Note{Code: code, Kind: noteKind, Text: s})
				}
			case name == "extension" && noteKind == NoteSevenChrDef && len(diags) > 0:
				code := diags[len(diags)-1]
				if len(extChar) != 1 || (!isUpper(extChar[0]) && !isDigit(extChar[0])) {
					addBad(line, "7th character %q of %s is not one letter or digit", extChar, code)
				} else if code != "" {
					t.Notes = append(t.Notes, Note{Code: code, Kind: NoteSevenChrDef, Char: extChar, Text: s})
				}
			case noteKinds[name] != "":
				noteKind = ""
			case name == "diag":
				diags = diags[:len(diags)-1]
			}
			stack = stack[:len(stack)-1]
			text.Reset()
		}
	}
	if !rootOK {
		bad = append(bad, parseErrorf(file, 0, "no <ICD10CM.tabular> element"))
	}
	markLeaves(t.Codes)
	return t, bad, nil
}

// ParseIndexXML reads the Alphabetic Index XML (ICD10CM.index): letters,
// main terms and nested terms, each with its title, nonessential modifiers
// (nemod), code, see and see-also references.
func ParseIndexXML(r io.Reader, file string) ([]IndexEntry, []*ParseError, error) {
	d := xml.NewDecoder(r)
	var entries []IndexEntry
	var bad []*ParseError
	var stack []string
	var open []int // positions of the open mainTerm/term entries
	var text, nemod strings.Builder
	rootOK := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return entries, append(bad, parseErrorf(file, se.Line, "XML: %s", se.Msg)), nil
			}
			return entries, bad, err
		}
		line, _ := d.InputPos()
		switch tok := tok.(type) {
		case xml.StartElement:
			name := tok.Name.Local
			if len(stack) == 0 {
				if name != "ICD10CM.index" {
					return entries, append(bad, parseErrorf(file, line, "root element is <%s>, want <ICD10CM.index>", name)), nil
				}
				rootOK = true
			}
			stack = append(stack, name)
			if name == "mainTerm" || name == "term" {
				e := IndexEntry{Level: len(open), Parent: -1}
				if len(open) > 0 {
					e.Parent = open[len(open)-1]
				}
				open = append(open, len(entries))
				entries = append(entries, e)
			}
			if name == "title" || name == "code" || name == "see" || name == "seeAlso" {
				text.Reset()
				nemod.Reset()
			}
		case xml.CharData:
			if len(stack) > 0 && stack[len(stack)-1] == "nemod" {
				nemod.Write(tok)
			} else {
				text.Write(tok)
			}
		case xml.EndElement:
			name := tok.Name.Local
			parent := ""
			if len(stack) >= 2 {
				parent = stack[len(stack)-2]
			}
			if len(open) > 0 && (parent == "mainTerm" || parent == "term") {
				e := &entries[open[len(open)-1]]
				s := collapse(text.String())
				switch name {
				case "title":
					e.Term, e.NonEss = s, collapse(nemod.String())
					if s == "" && len(bad) < maxErrors {
						bad = append(bad, parseErrorf(file, line, "term with an empty title"))
					}
				case "code":
					code := strings.ToUpper(s)
					if !isIndexCode(code) {
						if len(bad) < maxErrors {
							bad = append(bad, parseErrorf(file, line, "<code> %q is not an ICD-10-CM code", s))
						}
					} else {
						e.Code = code
					}
				case "see":
					e.See = s
				case "seeAlso":
					e.SeeAlso = s
				}
			}
			if name == "mainTerm" || name == "term" {
				open = open[:len(open)-1]
			}
			stack = stack[:len(stack)-1]
		}
	}
	if !rootOK {
		bad = append(bad, parseErrorf(file, 0, "no <ICD10CM.index> element"))
	}
	return entries, bad, nil
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

var refRE = regexp.MustCompile(`\(([A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]*)?-?)(?:\s*-\s*([A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]*)?-?))?\)`)

// noteRefs finds the code references at the end of a note's text.
func noteRefs(text string) [][2]string {
	var out [][2]string
	for _, m := range refRE.FindAllStringSubmatch(text, -1) {
		lo := Normalize(strings.TrimRight(m[1], "-."))
		hi := lo
		if m[2] != "" {
			hi = Normalize(strings.TrimRight(m[2], "-."))
		}
		out = append(out, [2]string{lo, hi})
	}
	return out
}

// inRange reports whether code falls in the reference range [lo, hi], where
// each end also covers the codes that extend it.
func inRange(code string, r [2]string) bool {
	if strings.HasPrefix(code, r[0]) || strings.HasPrefix(code, r[1]) {
		return true
	}
	return code > r[0] && code < r[1]
}
