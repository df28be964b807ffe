// Package clearinghouse moves claim batches (837P) to a clearinghouse and
// brings its response files (999, 277CA, 835) back. Most clearinghouses take
// batches as files dropped into an SFTP folder and leave their answers in
// another; the same shape works on local directories, which is what tests,
// local use and the payer sandbox share.
//
// Every transport keeps the same promises, because billing depends on them:
// a batch file appears under its final name only when complete (a partial
// upload is never picked up), a file is never overwritten (re-sending the
// same bytes under the same name is a no-op, different bytes are a
// conflict), and a processed response is moved to an archive folder so it is
// never read twice. Names are checked on the way out and on the way in, so
// neither side can reach outside its folders.
package clearinghouse

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/openrcm/openrcm"
)

// DefaultMaxFetchSize bounds the size of a response file Fetch reads when the
// transport's limit is not set. Real 999 and 277CA files are kilobytes and
// 835s rarely reach a few megabytes; the bound keeps a broken or hostile
// server from exhausting memory.
const DefaultMaxFetchSize = 64 << 20

// maxNameLen is the longest file name most file systems store (NAME_MAX).
const maxNameLen = 255

// tempPrefix starts the name a file is written under before its rename.
// Names starting with a dot are refused by Send and skipped by List, so
// neither OpenRCM nor a clearinghouse that skips hidden files can pick up a
// partial upload.
const tempPrefix = ".rcm-part-"

// Transport sends batch files to a clearinghouse and collects its responses.
// Dir and SFTP are safe for concurrent use.
type Transport interface {
	// Send writes data to the outbound folder under name, atomically: the
	// file appears under name only once complete. Sending the same name
	// again with identical data succeeds without writing (a retried
	// submission is harmless); different data under an existing name is an
	// ECONFLICT error and leaves the existing file alone.
	Send(ctx context.Context, name string, data []byte) error
	// List returns the names of the response files waiting in the inbound
	// folder, sorted. Hidden files (partial uploads) and folders are left
	// out; a file whose name is unsafe is an EINVALID error.
	List(ctx context.Context) ([]string, error)
	// Fetch reads a response file from the inbound folder. A missing file
	// is ENOTFOUND; a file larger than the transport's limit is EINVALID.
	Fetch(ctx context.Context, name string) ([]byte, error)
	// Ack moves a processed response file from the inbound to the archive
	// folder, so that List no longer returns it. Acknowledging a file that
	// is already archived (a retry after a crash) succeeds.
	Ack(ctx context.Context, name string) error
	// Quarantine moves a response file that cannot be read or applied from
	// the inbound to the quarantine folder, so that List no longer returns
	// it and the files after it are read. It never overwrites: when the
	// quarantine already holds that name, the file gets a numbered one
	// ("name.1", "name.2", ...), which it returns.
	Quarantine(ctx context.Context, name string) (string, error)
	// Close releases the transport's connections.
	Close() error
}

// Layout names the three folders of a clearinghouse mailbox. Paths are
// absolute on the side that holds them (the local machine for Dir, the
// server for SFTP) or relative to the login folder for SFTP.
type Layout struct {
	// Outbound is where batches are dropped for the clearinghouse.
	Outbound string
	// Inbound is where the clearinghouse leaves its responses.
	Inbound string
	// Archive is where processed responses are moved by Ack.
	Archive string
	// Quarantine is where Quarantine moves the responses that cannot be
	// read or applied; empty means a folder named quarantine beside the
	// archive folder.
	Quarantine string
}

// maxQuarantineCopies bounds the numbered names Quarantine tries for one
// file name.
const maxQuarantineCopies = 1000

// quarantineName is the i-th name Quarantine tries for name.
func quarantineName(name string, i int) string {
	if i == 0 {
		return name
	}
	return fmt.Sprintf("%s.%d", name, i)
}

func (l Layout) validate() error {
	if l.Outbound == "" || l.Inbound == "" || l.Archive == "" {
		return rcm.Errorf(rcm.EINVALID, "The clearinghouse layout needs an outbound, an inbound and an archive folder.")
	}
	if l.Inbound == l.Archive {
		return rcm.Errorf(rcm.EINVALID, "The clearinghouse archive folder must differ from the inbound folder, or processed responses would be read again.")
	}
	if l.Quarantine != "" && (l.Quarantine == l.Inbound || l.Quarantine == l.Archive) {
		return rcm.Errorf(rcm.EINVALID, "The clearinghouse quarantine folder must differ from the inbound and archive folders.")
	}
	return nil
}

// CheckName reports whether name is safe as a file name in a clearinghouse
// folder: one path element, no traversal, no control characters, not hidden.
// Send checks the names it writes and List, Fetch and Ack the names they
// read, so a bad name from either side can never reach outside the folders.
func CheckName(name string) error {
	bad := func(why string) error {
		return &rcm.Error{Code: rcm.EINVALID, Field: "name", Message: fmt.Sprintf("File name %q is not allowed: %s.", name, why)}
	}
	switch {
	case name == "":
		return bad("it is empty")
	case len(name) > maxNameLen:
		return bad(fmt.Sprintf("it is longer than %d bytes", maxNameLen))
	case !utf8.ValidString(name):
		return bad("it is not valid UTF-8")
	case name == "." || name == "..":
		return bad("it names a folder")
	case strings.HasPrefix(name, "."):
		return bad("names starting with a dot are hidden and reserved for partial uploads")
	case strings.ContainsAny(name, `/\`):
		return bad("it contains a path separator")
	case strings.TrimSpace(name) != name:
		return bad("it starts or ends with white space")
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return bad("it contains a control character")
		}
	}
	return nil
}

// tempName is the hidden name a file is written under before the rename.
func tempName(name string) string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return tempPrefix + hex.EncodeToString(b[:]) + "-" + name
}

// sameContent decides a resend: identical bytes are a no-op, anything else
// is a conflict that must not overwrite what the clearinghouse may already
// have taken.
func sameContent(name string, existing, data []byte) error {
	if bytes.Equal(existing, data) {
		return nil
	}
	return &rcm.Error{Code: rcm.ECONFLICT, Field: "name", Message: fmt.Sprintf("A different file named %q was already sent; a batch is never overwritten, so send the new one under a new name.", name)}
}

func notFound(folder, name string) error {
	return &rcm.Error{Code: rcm.ENOTFOUND, Field: "name", Message: fmt.Sprintf("No file named %q in the %s folder.", name, folder)}
}

func tooLarge(name string, size, limit int64) error {
	return &rcm.Error{Code: rcm.EINVALID, Field: "name", Message: fmt.Sprintf("Response file %q is %d bytes, more than the limit of %d bytes.", name, size, limit)}
}
