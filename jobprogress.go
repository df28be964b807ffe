package rcm

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// ImportUpload is a code-set or NCCI file an admin handed to the server to
// import as a job. It is kept in the database, not on a server's disk, so
// that whichever worker takes the job reads the same bytes, on any
// machine, and nothing a user sends names a path on the server. The
// import deletes it once it has succeeded.
type ImportUpload struct {
	ID    int64
	OrgID int64
	// FileName is the name the file was uploaded under (a base name only,
	// see CleanFileName); an import reads the release's year from it.
	FileName  string
	Size      int64
	Data      []byte
	CreatedAt time.Time
}

// MaxImportUpload is the largest file an import job takes: the full
// ICD-10-CM order file and a quarter's zipped PTP tables fit well within
// it.
const MaxImportUpload = 256 << 20

// CleanFileName checks the name a file was uploaded or given under and
// returns its base name. Only the name is kept (the release's year and
// kind are read from it); a name that is empty, a directory or has
// control characters is refused.
func CleanFileName(name string) (string, error) {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.TrimSpace(name)
	if name == "" || name == "." || name == ".." || len(name) > 255 || strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return "", FieldErrorf(EINVALID, "file", "Choose a code-set or NCCI file to import.")
	}
	return name, nil
}

// JobProgress is how far a long job (an import) has come, saved where
// every server sees it, by the worker running the job.
type JobProgress struct {
	JobID int64
	OrgID int64
	// Phase is what the job is doing: "read" (parsing the file), "store".
	Phase string
	// Unit is what Done and Total count: "bytes" or "releases".
	Unit  string
	Done  int64
	Total int64
	// Rows is how many rows (codes, edit pairs) were read so far.
	Rows int64
	// Result says, once the job succeeded, what it did.
	Result    string
	UpdatedAt time.Time
}

// Percent is the share of the phase done, 0 to 100, or -1 when unknown.
func (p JobProgress) Percent() int {
	if p.Total <= 0 {
		return -1
	}
	return min(max(int(p.Done*100/p.Total), 0), 100)
}

// Summary says the progress in words, as the Jobs screen and rcm jobs
// show it: "reading the file: 52% (14.2 of 27.3 MB), 40,120 rows".
func (p JobProgress) Summary() string {
	var b strings.Builder
	switch p.Phase {
	case "read":
		b.WriteString("reading the file")
	case "store":
		b.WriteString("storing")
	default:
		b.WriteString(p.Phase)
	}
	if pc := p.Percent(); pc >= 0 {
		fmt.Fprintf(&b, ": %d%%", pc)
		if p.Unit == "bytes" {
			fmt.Fprintf(&b, " (%.1f of %.1f MB)", float64(p.Done)/1e6, float64(p.Total)/1e6)
		}
	}
	if p.Rows > 0 {
		fmt.Fprintf(&b, ", %s rows", groupThousands(p.Rows))
	}
	return b.String()
}

func groupThousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && c != '-' && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
