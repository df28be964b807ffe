package sqldb_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/remit"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// TestBackupWhilePosting backs up a SQLite database while another
// goroutine posts 835s and patient payments into it, restores the copy
// into a new file, and finds there a ledger that balances and an audit
// chain that verifies: the copy is one consistent moment of a busy
// database.
func TestBackupWhilePosting(t *testing.T) {
	db := sqldbtest.Open(t, sqldb.SQLite)
	f := newRemitFixture(t, db, "Org Backup", false)
	const n = 12
	var rems []*remit.Remittance
	for i := range n {
		c := f.claim(fmt.Sprintf("BK-%02d", i), dos(), threeLines()...)
		rems = append(rems, roundTrip(t, primary835(fmt.Sprintf("EFT-BK-%02d", i), c.ControlNumber)))
	}
	halfway := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		for i, rem := range rems {
			if _, err := remit.Post(f.ctx, db, rem); err != nil {
				done <- err
				return
			}
			// Each posted 835 leaves the patient $20.00; pay half of it.
			if _, err := db.PostPatientPayment(f.ctx, rcm.PatientPayment{PatientID: f.s.patient.ID, Amount: m("10"), Method: "card",
				Key: fmt.Sprintf("bk-pay-%02d", i)}); err != nil {
				done <- err
				return
			}
			if i == n/3 {
				close(halfway)
			}
		}
		done <- nil
	}()
	<-halfway
	path := filepath.Join(t.TempDir(), "backup.db")
	info, err := db.Backup(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if len(info.Missing) != 0 || info.Migrations == 0 {
		t.Errorf("backup info %+v: want every migration applied", info)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("backup file mode: %v, %v; want 0600", st.Mode(), err)
	}
	if _, err := db.Backup(context.Background(), path); rcm.ErrorCode(err) != rcm.ECONFLICT {
		t.Errorf("a second backup onto the same file: %v, want ECONFLICT", err)
	}

	target := filepath.Join(t.TempDir(), "restored.db")
	// Without the keys its sealed fields are under, a backup would restore
	// into a database whose member IDs and notes cannot be read: refused,
	// and nothing is written.
	if _, err := sqldb.RestoreSQLite(context.Background(), path, target, false); rcm.ErrorCode(err) != rcm.EINVALID || !strings.Contains(err.Error(), "Nothing was restored") {
		t.Errorf("restore without the keys: %v, want EINVALID", err)
	}
	if _, err := os.Stat(target); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a refused restore left %s: %v", target, err)
	}
	keys := sqldb.WithKeyring(db.Keyring())
	if _, err := sqldb.RestoreSQLite(context.Background(), path, target, false, keys); err != nil {
		t.Fatal(err)
	}
	restored, err := sqldb.Open(context.Background(), target, keys)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	// The sealed fields read back under the keys given.
	covs, err := restored.FindCoverages(f.ctx, f.s.patient.ID)
	if err != nil || len(covs) != 1 || covs[0].MemberID != f.cov1.MemberID {
		t.Errorf("coverages of the restored copy: %+v, %v", covs, err)
	}
	checkLedger(t, restored)
	reports, err := restored.CheckAuditChains(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reports {
		if r.Break != nil || r.Events == 0 {
			t.Errorf("restored audit chain of %s: %d events, break %+v", r.OrgName, r.Events, r.Break)
		}
	}
	var remits int
	if err := restored.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM remittance`).Scan(&remits); err != nil {
		t.Fatal(err)
	}
	// The copy was taken after a third of the postings and before the
	// end (or at it, on a slow machine): never nothing, never more.
	if remits <= n/3 || remits > n {
		t.Errorf("restored copy holds %d remittances; want between %d and %d", remits, n/3+1, n)
	}
	t.Logf("backup taken with %d of %d remittances posted", remits, n)
	checkLedger(t, db)

	// The restore refuses to overwrite a database without force, and
	// refuses a file that is not a database; both change nothing.
	before, _ := os.ReadFile(target)
	if _, err := sqldb.RestoreSQLite(context.Background(), path, target, false); rcm.ErrorCode(err) != rcm.ECONFLICT {
		t.Errorf("restore over a database without force: %v, want ECONFLICT", err)
	}
	junk := filepath.Join(t.TempDir(), "junk.db")
	os.WriteFile(junk, []byte("not a database at all, just some words"), 0o600)
	if _, err := sqldb.RestoreSQLite(context.Background(), junk, target, true); rcm.ErrorCode(err) != rcm.EINVALID {
		t.Errorf("restore of a junk file: %v, want EINVALID", err)
	}
	if after, _ := os.ReadFile(target); string(after) != string(before) {
		t.Error("a refused restore changed the target")
	}
}

// TestVerifySQLiteFileRefusesDamage: a copy with a flipped page fails the
// integrity check, and so does a file that is not a database.
func TestVerifySQLiteFileRefusesDamage(t *testing.T) {
	db := sqldbtest.Open(t, sqldb.SQLite)
	ctx, _ := sqldbtest.Org(t, db, "Org Damage")
	seed(t, ctx, db)
	path := filepath.Join(t.TempDir(), "b.db")
	if _, err := db.Backup(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Overwrite the middle of the second page onward (the schema and
	// tables) with garbage, keeping the header.
	for i := 4096 + 100; i < len(b) && i < 4096*4; i++ {
		b[i] = 0xA5
	}
	bad := filepath.Join(t.TempDir(), "bad.db")
	os.WriteFile(bad, b, 0o600)
	if _, err := sqldb.VerifySQLiteFile(context.Background(), bad); rcm.ErrorCode(err) != rcm.EINVALID {
		t.Errorf("damaged copy: %v, want EINVALID", err)
	}
	empty := filepath.Join(t.TempDir(), "empty.db")
	os.WriteFile(empty, nil, 0o600)
	if _, err := sqldb.VerifySQLiteFile(context.Background(), empty); rcm.ErrorCode(err) != rcm.EINVALID {
		t.Errorf("empty file: %v, want EINVALID", err)
	}
}
