package attack_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/inbox"
	"github.com/openrcm/openrcm/internal/attack"
	"github.com/openrcm/openrcm/internal/shareddata"
	"github.com/openrcm/openrcm/remit"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/x12"
)

// corpusSeed fixes where the generator's defects land.
const corpusSeed = 20261205

// sample is one base file of the corpus.
type sample struct {
	name string
	data []byte
}

// corpus reads the shared samples and makes their mutants, written into a
// temporary folder (the shared data is never copied into the repository).
func corpus(t *testing.T) ([]sample, []attack.Mutant) {
	t.Helper()
	var bases []sample
	var all []attack.Mutant
	for _, rel := range attack.Samples {
		p := shareddata.Path(t, rel)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(filepath.Base(p), ".edi")
		ms, err := attack.Mutate(name, data, corpusSeed)
		if err != nil {
			t.Fatal(err)
		}
		bases = append(bases, sample{name, data})
		all = append(all, ms...)
	}
	if err := attack.Write(t.TempDir(), all); err != nil {
		t.Fatal(err)
	}
	return bases, all
}

// validator is rcm x12 validate's: the 835 as remit.PostFile validates
// it; the 837Ps with the situational rules off, as the samples were
// chosen (their situational findings are the samples', not the defects').
func validator(kind string) *x12.Validator {
	if kind == "835" {
		v := remit.Validator()
		return &v
	}
	return &x12.Validator{}
}

func kindOfSample(data []byte) string {
	if bytes.Contains(data, []byte("ST*835*")) {
		return "835"
	}
	return "837"
}

// TestCorpusIsDeterministic: one seed makes the same corpus twice, every
// defect the generator knows lands on at least one sample, and each name
// is unique.
func TestCorpusIsDeterministic(t *testing.T) {
	_, a := corpus(t)
	_, b := corpus(t)
	if len(a) != len(b) {
		t.Fatalf("two runs made %d and %d mutants", len(a), len(b))
	}
	for i := range a {
		if a[i].Name != b[i].Name || a[i].Verdict != b[i].Verdict || !bytes.Equal(a[i].Data, b[i].Data) {
			t.Errorf("mutant %d differs between runs: %s and %s", i, a[i].Name, b[i].Name)
		}
	}
	names := map[string]bool{}
	defects := map[string]bool{}
	for _, m := range a {
		if names[m.Name] {
			t.Errorf("name %s twice", m.Name)
		}
		names[m.Name] = true
		defects[m.Kind+" "+m.Defect] = true
	}
	for _, kind := range []string{"835", "837"} {
		for _, d := range attack.Defects(kind) {
			if !defects[kind+" "+d] {
				t.Errorf("defect %s applies to no %s sample", d, kind)
			}
		}
	}
}

// TestCorpusValidate runs every mutant through the validator rcm x12
// validate uses: an invalid or unbalanced one is refused, a valid or
// duplicate one passes (a duplicate is valid X12; only posting knows it
// was posted).
func TestCorpusValidate(t *testing.T) {
	bases, ms := corpus(t)
	for _, b := range bases {
		if res := validator(kindOfSample(b.data)).Validate(bytes.NewReader(b.data)); !res.Valid() {
			t.Fatalf("sample %s does not validate: %v", b.name, res.Findings)
		}
	}
	count := map[string]int{}
	for _, m := range ms {
		res := validator(m.Kind).Validate(bytes.NewReader(m.Data))
		count[m.Kind+" "+string(m.Verdict)]++
		switch m.Verdict {
		case attack.Invalid:
			if res.Valid() {
				t.Errorf("%s (%s) passes validation, want it refused", m.Name, m.Verdict)
			}
		case attack.Valid, attack.Duplicate:
			if !res.Valid() {
				t.Errorf("%s (%s) is refused: %v %v", m.Name, m.Verdict, res.Err, res.Findings)
			}
		case attack.Unbalanced:
			// The 835 guide's balancing rules (issue 17): the validator
			// refuses it, naming the amount that does not add up.
			if res.Valid() {
				t.Errorf("%s (%s) passes validation, want it refused as unbalanced", m.Name, m.Verdict)
			} else if f := res.Findings[0]; f.Code != x12.ElemPattern || f.SegmentID != "BPR" && f.SegmentID != "CLP" && f.SegmentID != "SVC" {
				t.Errorf("%s (%s): first finding %+v, want a balancing finding (I12) on BPR, CLP or SVC", m.Name, m.Verdict, f)
			}
		}
	}
	t.Logf("%d mutants validated: %v", len(ms), count)
}

// door posts one 835 file and reports what it did: posted (new
// remittances), already posted (every set), or refused with err.
type door struct {
	name string
	post func(t *testing.T, e *env, m attack.Mutant) (posted, already int, err error)
}

var doors = []door{
	{"api", func(t *testing.T, e *env, m attack.Mutant) (int, int, error) {
		res := e.apiCall(t, http.MethodPost, "/api/v1/remittances", e.a.token[rcm.RoleBiller], string(m.Data))
		if res.status != http.StatusOK {
			var body struct {
				Error struct{ Code, Message string }
			}
			json.Unmarshal([]byte(res.body), &body)
			if res.status >= 500 || body.Error.Code == "" {
				t.Errorf("api: %s: %d %.300s", m.Name, res.status, res.body)
			}
			return 0, 0, rcm.Errorf(body.Error.Code, "%d %s", res.status, body.Error.Message)
		}
		var body struct{ Results []*remit.Result }
		if err := json.Unmarshal([]byte(res.body), &body); err != nil {
			t.Fatal(err)
		}
		return tally(body.Results)
	}},
	{"workbench upload", func(t *testing.T, e *env, m attack.Mutant) (int, int, error) {
		if e.biller == nil {
			e.biller = e.login(t, e.a.user[rcm.RoleBiller])
		}
		b := e.biller
		before := e.remittances(t)
		res := upload(t, b, m.Name, m.Data)
		if res.status >= 500 {
			t.Errorf("upload: %s: %d", m.Name, res.status)
		}
		// The page reports on this file and lists the history; what was
		// posted is read from the database, what was refused from the page.
		posted := e.remittances(t) - before
		switch {
		case posted > 0:
			return posted, 0, nil
		case strings.Contains(res.body, "not applied"):
			return 0, 0, rcm.Errorf(rcm.EINVALID, "not applied")
		case res.status != http.StatusOK:
			return 0, 0, rcm.Errorf(rcm.EINVALID, "status %d", res.status)
		case strings.Contains(res.body, "already posted"):
			return 0, 1, nil
		}
		t.Errorf("upload: %s: nothing posted, and the page says neither refused nor already posted", m.Name)
		return 0, 0, nil
	}},
	{"inbox", func(t *testing.T, e *env, m attack.Mutant) (int, int, error) {
		f := inbox.Apply(e.a.ctx, e.db, m.Name, m.Data)
		if !f.Applied {
			// A file refused here is not posted: checkDoor holds the
			// ledger, deposits and remittance rows unchanged. Where the
			// file goes next (left in the inbound folder, or moved aside
			// to a quarantine) is decided by inbox.Poll and the transport,
			// which Apply does not touch; this door checks only what holds
			// either way.
			return 0, 0, rcm.Errorf(rcm.EINVALID, "%s", f.Summary)
		}
		return tally(f.Posts)
	}},
	{"remit.PostFile", func(t *testing.T, e *env, m attack.Mutant) (int, int, error) {
		res, err := remit.PostFile(e.a.ctx, e.db, bytes.NewReader(m.Data))
		if err != nil {
			return 0, 0, err
		}
		return tally(res)
	}},
}

func tally(rs []*remit.Result) (posted, already int, err error) {
	for _, r := range rs {
		if r.AlreadyPosted {
			already++
		} else {
			posted++
		}
	}
	return posted, already, nil
}

func (e *env) remittances(t *testing.T) int {
	t.Helper()
	s, err := e.db.CountRemittances(e.a.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return s.Remittances
}

// TestCorpusDoors posts the 835 samples, then sends their mutants through
// every door that posts an 835: the API upload, the workbench upload and
// the clearinghouse inbox each get a third of the mutants of every defect
// (a different sample per door), and remit.PostFile, which all of them
// share, gets every mutant. An invalid or unbalanced mutant is refused
// and changes nothing; a duplicate is refused or reported already posted
// and changes nothing; a valid one posts exactly once, at the first door
// that sees it, and is already posted at every later one.
func TestCorpusDoors(t *testing.T) {
	bases, ms := corpus(t)
	eachDialect(t, func(t *testing.T, e *env) {
		var b835 []sample
		traces := map[string]bool{}
		for _, b := range bases {
			if kindOfSample(b.data) != "835" {
				continue
			}
			b835 = append(b835, b)
			// The sample's payer, set up as a practice would before its
			// first 835 from that payer.
			rems, err := remit.Read835(bytes.NewReader(b.data))
			if err != nil {
				t.Fatal(err)
			}
			for _, rem := range rems {
				keys := rem.PayerKeys()
				payers, err := e.db.FindPayers(e.a.ctx)
				if err != nil {
					t.Fatal(err)
				}
				if slices.ContainsFunc(payers, func(p *rcm.Payer) bool { return slices.Contains(keys, p.PayerID) }) {
					continue
				}
				if err := e.db.CreatePayer(e.a.ctx, &rcm.Payer{Name: rem.PayerName, PayerID: keys[0], FilingIndicator: "CI"}); err != nil {
					t.Fatalf("payer of %s: %v", b.name, err)
				}
			}
			res, err := remit.PostFile(e.a.ctx, e.db, bytes.NewReader(b.data))
			if err != nil {
				t.Fatalf("post sample %s: %v", b.name, err)
			}
			// Two samples (era-sample and multiple-claims-single-check)
			// carry the same payer and trace (TRN02 12345, TRN03
			// 1512345678): the second is rightly reported as already
			// posted. Any other repeat is a failure.
			for _, r := range res {
				if r.AlreadyPosted && !traces[r.Trace] {
					t.Fatalf("sample %s: trace %s already posted, but no earlier sample has it", b.name, r.Trace)
				}
				traces[r.Trace] = true
			}
		}
		baseIndex := map[string]int{}
		for i, b := range b835 {
			baseIndex[b.name] = i
		}
		defectIndex := map[string]int{}
		for i, d := range attack.Defects("835") {
			defectIndex[d] = i
		}
		posted := map[string]bool{} // valid mutants posted so far
		count := map[string]int{}
		for di, d := range doors {
			for _, m := range ms {
				if m.Kind != "835" {
					continue
				}
				// The HTTP doors and the inbox share the defects: door di
				// takes the mutants of every defect whose sample index
				// matches, rotating with the defect.
				if d.name != "remit.PostFile" && (baseIndex[m.Base]+defectIndex[m.Defect])%3 != di {
					continue
				}
				count[d.name+" "+string(m.Verdict)]++
				checkDoor(t, e, d, m, posted)
			}
		}
		t.Logf("%v", count)
		if out, err := e.db.CheckLedger(e.a.ctx); err != nil {
			t.Errorf("ledger check after the corpus: %v\n%v", err, out)
		}
	})
}

// checkDoor sends one mutant through one door and checks the verdict.
func checkDoor(t *testing.T, e *env, d door, m attack.Mutant, posted map[string]bool) {
	t.Helper()
	before, remits := e.money(t), e.remittances(t)
	p, already, err := d.post(t, e, m)
	after := e.money(t)
	where := fmt.Sprintf("%s: %s (%s)", d.name, m.Name, m.Verdict)
	unchanged := func() {
		t.Helper()
		if after != before {
			t.Errorf("%s changed the data:\nbefore %s\nafter  %s", where, before, after)
		}
	}
	verdict := m.Verdict
	if verdict == attack.Valid && posted[m.Name] {
		verdict = attack.Duplicate
	}
	switch verdict {
	case attack.Invalid, attack.Unbalanced:
		if err == nil || rcm.ErrorCode(err) != rcm.EINVALID {
			t.Errorf("%s: %d posted, %d already, err %v; want refused as invalid", where, p, already, err)
		}
		var inv *remit.InvalidFileError
		if d.name == "remit.PostFile" && verdict == attack.Invalid && !errors.As(err, &inv) {
			t.Errorf("%s: %v, want an *remit.InvalidFileError with the validator's findings", where, err)
		}
		unchanged()
	case attack.Duplicate:
		switch {
		case err != nil && (rcm.ErrorCode(err) == rcm.ECONFLICT || d.name == "workbench upload" || d.name == "inbox"):
		case err == nil && p == 0 && already > 0:
		default:
			t.Errorf("%s: %d posted, %d already, err %v; want refused or already posted", where, p, already, err)
		}
		unchanged()
	case attack.Valid:
		if err != nil || p == 0 || already != 0 {
			t.Errorf("%s: %d posted, %d already, err %v; want posted", where, p, already, err)
		}
		if n := e.remittances(t); n != remits+p {
			t.Errorf("%s: %d remittances, want %d", where, n, remits+p)
		}
		posted[m.Name] = true
	}
}

// money is what posting changes: the ledger and deposit totals and the
// counts of remittance rows (claim payments, lines, exceptions, PLBs).
func (e *env) money(t *testing.T) string {
	t.Helper()
	l, err := e.db.LedgerTotals(e.a.ctx, sqldb.LedgerFilter{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := e.db.DepositTotals(e.a.ctx)
	if err != nil {
		t.Fatal(err)
	}
	c, err := e.db.CountRemittances(e.a.ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal([]any{l, d, c})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
