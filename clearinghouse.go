package rcm

import (
	"context"
	"strings"
	"time"
)

// Clearinghouse is an organization's connection to its clearinghouse: the
// identifiers both sides put in the envelopes, and how files travel.
type Clearinghouse struct {
	OrgID int64 `json:"-"`
	// SubmitterID and ReceiverID are the interchange and 1000A/1000B
	// identifiers the clearinghouse assigned (ISA06, ISA08, NM109).
	SubmitterID   string `json:"submitter_id"`
	SubmitterName string `json:"submitter_name"`
	ContactName   string `json:"contact_name"`
	ContactPhone  string `json:"contact_phone"`
	ReceiverID    string `json:"receiver_id"`
	ReceiverName  string `json:"receiver_name"`
	// Production sends ISA15 P; otherwise files are marked T (test).
	Production bool `json:"production"`
	// Transport says how files travel: "dir:/path" (folders outbound,
	// inbound and archive under path) or
	// "sftp://user@host:port/path?key=/key/file&known_hosts=/file".
	Transport string `json:"transport"`
}

// Validate checks the settings.
func (c *Clearinghouse) Validate() error {
	v := &validator{}
	id := func(s, field string) {
		v.check(len(s) >= 2 && len(s) <= 15 && printableNoDelims(s) && strings.TrimSpace(s) == s, field, "%s must be 2 to 15 characters (ISA06/ISA08).", field)
	}
	id(c.SubmitterID, "submitter_id")
	id(c.ReceiverID, "receiver_id")
	v.required(c.SubmitterName, "submitter_name")
	v.text(c.SubmitterName, "submitter_name", 60)
	v.required(c.ReceiverName, "receiver_name")
	v.text(c.ReceiverName, "receiver_name", 60)
	v.required(c.ContactName, "contact_name")
	v.text(c.ContactName, "contact_name", 60)
	v.check(len(c.ContactPhone) == 10 && allDigits(c.ContactPhone), "contact_phone", "contact_phone must be 10 digits.")
	v.check(strings.HasPrefix(c.Transport, "dir:") || strings.HasPrefix(c.Transport, "sftp://"), "transport", "transport must be dir:/path or sftp://user@host:port/path?key=...&known_hosts=...")
	return v.result()
}

// ClearinghouseService stores the clearinghouse settings of the actor's
// organization.
type ClearinghouseService interface {
	SetClearinghouse(ctx context.Context, c *Clearinghouse) error
	FindClearinghouse(ctx context.Context) (*Clearinghouse, error)
}

// QuarantinedFile is a response file the clearinghouse inbox set aside
// because it cannot be read or applied as it is: larger than the limit,
// not valid X12, a copy of a remittance already posted under another
// trace. It is moved out of the inbound folder, so that the files after it
// are still read on every poll, and kept with its reason for a person to
// look at.
type QuarantinedFile struct {
	ID int64 `json:"id"`
	// Name is the file's name in the inbound folder; StoredAs its name in
	// the quarantine folder (the same, unless a file of that name was
	// already there).
	Name     string `json:"name"`
	StoredAs string `json:"stored_as"`
	// Kind is the transaction the file seemed to carry (835, 999, ...), ""
	// when it could not be read at all.
	Kind          string    `json:"kind,omitempty"`
	Reason        string    `json:"reason"`
	QuarantinedAt time.Time `json:"quarantined_at"`
}

// QuarantineService keeps the list of quarantined response files of the
// actor's organization, newest first.
type QuarantineService interface {
	RecordQuarantine(ctx context.Context, f *QuarantinedFile) error
	FindQuarantinedFiles(ctx context.Context, limit int) ([]*QuarantinedFile, error)
}
