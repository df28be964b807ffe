package sqldb

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The page queries of the set-based pipeline search by the page's ids, not
// by the organization: a search by org_id reads every row of the
// organization for each page, and a run of 100,000 encounters went
// quadratic that way (issue 15).
func TestPipelineQueryPlans(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "rcm.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	in, args := placeholders(1, []int64{10, 11, 12})
	for name, q := range map[string]string{
		"billable lines": billableLines(in),
		"diagnoses":      `SELECT encounter_id, code FROM encounter_diagnosis WHERE org_id = ? AND encounter_id IN ` + in + ` ORDER BY encounter_id, seq`,
		"claim lines":    `SELECT claim_id, code FROM claim_line WHERE org_id = ? AND claim_id IN ` + in + ` ORDER BY claim_id, seq`,
	} {
		rows, err := db.db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		if len(plan) == 0 || !strings.Contains(plan[0], "_id=?") || strings.Contains(plan[0], "(org_id=?)") {
			t.Errorf("%s: plan %q, want a search by the page's ids", name, plan)
		}
	}
}

// IN lists are padded to a few lengths, repeating the last id, and bulk
// inserts cut into spans of a few sizes: the texts stay few, so their
// statements stay prepared.
func TestPlaceholdersAndChunks(t *testing.T) {
	for _, c := range []struct {
		ids  []int64
		in   string
		args []any
	}{
		{nil, "(NULL)", []any{int64(7)}},
		{[]int64{5}, "(?)", []any{int64(7), int64(5)}},
		{[]int64{5, 6, 5, 8}, "(?,?,?,?)", []any{int64(7), int64(5), int64(6), int64(8), int64(8)}},
	} {
		in, args := placeholders(7, c.ids)
		if in != c.in || !slices.Equal(args, c.args) {
			t.Errorf("placeholders(%v) = %s %v, want %s %v", c.ids, in, args, c.in, c.args)
		}
	}
	if got := padded(500); got != 512 {
		t.Errorf("padded(500) = %d", got)
	}
	if got := padded(1500); got != 2048 {
		t.Errorf("padded(1500) = %d", got)
	}
	var sizes []int
	at := 0
	for _, s := range chunks(2000, maxChunk(11)) {
		if s.from != at {
			t.Fatalf("span %v after row %d", s, at)
		}
		at = s.to
		if n := s.to - s.from; !slices.Contains(sizes, n) {
			sizes = append(sizes, n)
		}
	}
	if at != 2000 || !slices.Equal(sizes, []int{128, 64, 16}) {
		t.Errorf("chunks(2000) cover %d rows in sizes %v", at, sizes)
	}
	if got := maxChunk(100); got != 64 {
		t.Errorf("maxChunk(100) = %d", got)
	}
}
