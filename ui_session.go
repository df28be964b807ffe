package rcm

import "time"

// UISession is a signed-in browser of the web workbench. The session id
// itself lives only in the browser's cookie; the store keys the row by its
// hash, so reading the table does not let anyone ride a live session. It is
// a domain type so the workbench sees sessions through its own store
// interface, never through sqldb.
type UISession struct {
	OrgID  int64
	UserID int64
	// CSRF is the synchronizer token every state-changing form of the
	// session must send back.
	CSRF      string
	CreatedAt time.Time
	SeenAt    time.Time
	// Client is where the session signed in from, for its user's list of
	// sessions: the address and a summary of the browser.
	Client string
	// MustChangePassword is read from the user, not stored with the
	// session: an admin's reset sends the next sign-in to the change form.
	MustChangePassword bool
	// Stage is "" for a signed-in session, or the step of signing in it
	// waits for: "mfa" (a second-factor code) or "enrol" (an admin who
	// must set up TOTP first).
	Stage string
}
