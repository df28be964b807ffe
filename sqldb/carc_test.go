package sqldb_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/carc"
	"github.com/openrcm/openrcm/internal/shareddata"
	"github.com/openrcm/openrcm/sqldb"
)

func TestCodeListImport(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		set, err := db.CodeSet(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c, _, err := set.Lookup(carc.CARC, "45", rcm.Date{}); err != nil || c.Meaning == "" || set.Len(carc.RARC) < 40 {
			t.Fatalf("fresh database: starter CARC 45 = %+v, %v; %d RARCs", c, err, set.Len(carc.RARC))
		}
		dir := filepath.Dir(shareddata.Path(t, "SOURCES.md"))
		for _, f := range []struct {
			name string
			list carc.List
		}{{"carc_2024-03.csv", carc.CARC}, {"rarc_2024-03.csv", carc.RARC}} {
			r, err := os.Open(filepath.Join(dir, "x12codes", f.name))
			if err != nil {
				t.Fatal(err)
			}
			codes, err := carc.Parse(r, f.list)
			r.Close()
			if err != nil {
				t.Fatal(err)
			}
			if err := db.ImportCodeList(ctx, f.list, codes); err != nil {
				t.Fatal(err)
			}
			// Importing again replaces, it does not add.
			if err := db.ImportCodeList(ctx, f.list, codes); err != nil {
				t.Fatal(err)
			}
		}
		// A failed import changes nothing.
		bad := []carc.Code{{List: carc.CARC, Code: "1", Description: "x"}, {List: carc.CARC, Code: "1", Description: "dup"}}
		if err := db.ImportCodeList(ctx, carc.CARC, bad); err == nil {
			t.Fatal("import with a duplicate code succeeded")
		}
		if set, err = db.CodeSet(ctx); err != nil {
			t.Fatal(err)
		}
		if set.Len(carc.CARC) != 405 || set.Len(carc.RARC) != 1171 {
			t.Errorf("stored %d CARCs and %d RARCs, want 405 and 1171", set.Len(carc.CARC), set.Len(carc.RARC))
		}
		c, active, err := set.Lookup(carc.CARC, "15", rcm.MustParseDate("2018-05-01"))
		if err != nil || active || c.Stop != rcm.MustParseDate("2018-05-01") || !strings.Contains(c.Description, "authorization") || c.Meaning == "" {
			t.Errorf("CARC 15 on its stop date = %+v active %v, %v", c, active, err)
		}
	})
}
