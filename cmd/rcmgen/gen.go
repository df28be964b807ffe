package main

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb"
)

// Options size a generated run.
type Options struct {
	Claims      int       // claims in the first organization
	Others      int       // more organizations
	OtherClaims int       // claims in each of the others
	Payers      int       // payers per organization
	Providers   int       // rendering providers per organization
	Today       time.Time // the day the data ends; visits fall in the 330 days from Today-360
	Log         func(format string, args ...any)
}

// Org is one generated organization and the user that acts in it.
type Org struct {
	ID, AdminID int64
	Name        string
	Claims      int
	Payers      []int64
	Providers   []int64
	// Start is the first day of the data (day 0 of the SQL below).
	Start rcm.Date
}

// Ctx is a context whose actor is the organization's administrator.
func (o *Org) Ctx(ctx context.Context) context.Context {
	return rcm.NewContextWithActor(ctx, rcm.Actor{UserID: o.AdminID, OrgID: o.ID, Role: rcm.RoleAdmin, Reason: "generated data"})
}

// Stats counts what a run wrote.
type Stats struct {
	Rows    int64
	Elapsed time.Duration
}

// The claim's fate is x % 20 (x is the claim's 0-based number in its
// organization): denied in whole (0, 10), one line denied and the other
// paid (5, 15), paid with a deductible left to the patient (1, 11), no
// answer at all (7), else paid with a contractual adjustment and
// coinsurance. Every 50th claim (x % 50 = 3) is rejected once by the
// clearinghouse and sent again.
const (
	fateDenied  = `(x % 20 IN (0, 10))`
	fatePartly  = `(x % 20 IN (5, 15))`
	fateDeduct  = `(x % 20 IN (1, 11))`
	fateNone    = `(x % 20 = 7)`
	fateAnswer  = `(x % 20 <> 7)`
	fatePaid    = `(x % 20 NOT IN (0, 10, 5, 15, 1, 11, 7))`
	rejectOnce  = `(x % 50 = 3)`
	visitDays   = 330 // visits fall on days 0..329
	dataDays    = 360 // Today is day 360
	answerAfter = 20  // the 835 comes 20 to 30 days after the visit
)

// Line charges: 99214 at $205.50 and 36415 at $25.00 on every claim.
const (
	charge1 = 20550
	charge2 = 2500
)

// gen holds one organization's generation: the id bases of its rows.
type gen struct {
	db  *sqldb.DB
	o   *Org
	n   int
	p   int // patients
	log func(format string, args ...any)
	// bases: the row of claim x in table t has id base[t] + x (lines and
	// their remit lines + 2x + j, ledger transactions + 2x + k).
	base  map[string]int64
	rows  int64
	start string // day 0, YYYY-MM-DD
}

// Generate fills db with opt.Claims synthetic claims across opt.Orgs new
// organizations, with set-based INSERT ... SELECT statements (the rows are
// computed by the database from a number series, not sent one by one). It
// returns the organizations made.
func Generate(ctx context.Context, db *sqldb.DB, opt Options) ([]*Org, Stats, error) {
	start := time.Now()
	if opt.Claims < 1 || opt.Others < 0 || (opt.Others > 0 && opt.OtherClaims < 1) || opt.Payers < 1 || opt.Providers < 1 {
		return nil, Stats{}, fmt.Errorf("need at least one claim per organization, one payer and one provider")
	}
	if opt.Log == nil {
		opt.Log = func(string, ...any) {}
	}
	var orgs []*Org
	var st Stats
	for i := range 1 + opt.Others {
		n := opt.Claims
		if i > 0 {
			n = opt.OtherClaims
		}
		o, err := setupOrg(ctx, db, opt, i)
		if err != nil {
			return nil, st, err
		}
		o.Claims = n
		g := &gen{db: db, o: o, n: n, p: max(10, n/20), log: opt.Log, base: map[string]int64{}, start: o.Start.String()}
		if err := g.run(ctx); err != nil {
			return nil, st, fmt.Errorf("organization %s: %w", o.Name, err)
		}
		st.Rows += g.rows
		orgs = append(orgs, o)
	}
	if db.Dialect() == sqldb.Postgres {
		for _, t := range idTables {
			if _, err := db.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'), (SELECT MAX(id) FROM `+t+`))`); err != nil {
				return nil, st, err
			}
		}
	}
	// The ledger rows were written directly, so the KPI report's running
	// summary is made from them as a migration or a repair makes it.
	if err := db.RebuildKPISummary(ctx); err != nil {
		return nil, st, err
	}
	// Fresh statistics for the tables written (by name: on PostgreSQL a
	// bare ANALYZE would read every schema of the database).
	for _, t := range append(idTables, "encounter_diagnosis", "claim_diagnosis", "claim_event", "submission_claim", "ledger_pair",
		"deposit_entry", "followup_item", "kpi_ledger_day") {
		if _, err := db.ExecContext(ctx, `ANALYZE `+t); err != nil {
			return nil, st, err
		}
	}
	st.Elapsed = time.Since(start)
	return orgs, st, nil
}

// idTables are the tables whose ids the generator chooses.
var idTables = []string{"patient", "coverage", "encounter", "service_line", "claim", "claim_line", "submission", "ledger_txn",
	"remittance", "remit_claim", "remit_line"}

var payerNames = []struct{ name, id, sbr09 string }{
	{"Medicare Part B (synthetic)", "GMCR", "MB"}, {"Blue Ridge PPO (synthetic)", "GBRP", "12"}, {"Harbor Medicaid (synthetic)", "GMCD", "MC"},
	{"Summit Health HMO (synthetic)", "GSHH", "HM"}, {"Keystone Commercial (synthetic)", "GKSC", "CI"}, {"Lakeshore Advantage (synthetic)", "GLSA", "16"},
	{"Pioneer Workers Comp (synthetic)", "GPWC", "WC"}, {"Granite Mutual (synthetic)", "GGRM", "CI"},
}

var firstNames = []string{"Avery", "Jordan", "Riley", "Morgan", "Casey", "Quinn", "Rowan", "Sage", "Emerson", "Finley", "Harper", "Kendall", "Logan", "Parker", "Reese", "Skyler"}
var lastNames = []string{"Alder", "Birchwood", "Caldwell", "Dunmore", "Ellery", "Fairbanks", "Galloway", "Hollis", "Ingram", "Jessup", "Kimball", "Lindqvist", "Merriweather", "Northcott", "Oakhurst", "Pemberton", "Quimby", "Radcliffe", "Stanhope", "Thornbury"}

// npi makes a valid synthetic NPI from an eight-digit number.
func npi(k int) string {
	stem := fmt.Sprintf("1%08d", k)
	return stem + string(rcm.NPICheckDigit(stem))
}

// FindGenerated returns the organization the last run generated first
// (the measured one), for measuring again without generating.
func FindGenerated(ctx context.Context, db *sqldb.DB) (*Org, error) {
	o := &Org{}
	var start string
	err := db.QueryRowContext(ctx, `SELECT o.id, o.name, u.id FROM organization o JOIN app_user u ON u.org_id = o.id AND u.username = 'gen.admin.' || o.id
		WHERE o.name = 'Synthetic Billing Client 1' ORDER BY o.id DESC LIMIT 1`).Scan(&o.ID, &o.Name, &o.AdminID)
	if err != nil {
		return nil, fmt.Errorf("no generated organization: %w", err)
	}
	if err := db.QueryRowContext(ctx, `SELECT MIN(date_of_service), COUNT(*) FROM claim WHERE org_id = ?`, o.ID).Scan(&start, &o.Claims); err != nil {
		return nil, err
	}
	if o.Start, err = rcm.ParseDate(start); err != nil {
		return nil, err
	}
	for _, q := range []struct {
		sql string
		ids *[]int64
	}{{`SELECT id FROM payer WHERE org_id = ? ORDER BY id`, &o.Payers}, {`SELECT id FROM provider WHERE org_id = ? ORDER BY id`, &o.Providers}} {
		rows, err := db.QueryContext(ctx, q.sql, o.ID)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			*q.ids = append(*q.ids, id)
		}
		rows.Close()
	}
	return o, nil
}

// setupOrg makes the organization, its administrator, practice, providers
// and payers through the store, as a new customer's set-up would.
func setupOrg(ctx context.Context, db *sqldb.DB, opt Options, i int) (*Org, error) {
	org := &rcm.Organization{Name: fmt.Sprintf("Synthetic Billing Client %d", i+1)}
	if err := db.CreateOrganization(ctx, org); err != nil {
		return nil, err
	}
	admin := &rcm.User{OrgID: org.ID, Username: fmt.Sprintf("gen.admin.%d", org.ID), Name: "Generated Administrator", Role: rcm.RoleAdmin}
	if err := db.CreateUser(ctx, admin, fmt.Sprintf("generated-%d-%d-Secret!", org.ID, time.Now().UnixNano())); err != nil {
		return nil, err
	}
	today := opt.Today
	if today.IsZero() {
		today = time.Now()
	}
	o := &Org{ID: org.ID, AdminID: admin.ID, Name: org.Name, Start: rcm.DateOf(today.AddDate(0, 0, -dataDays))}
	actx := o.Ctx(ctx)
	p := &rcm.Practice{Name: fmt.Sprintf("Synthetic Family Practice %d", i+1), NPI: npi(int(org.ID) * 100), TIN: fmt.Sprintf("36%07d", org.ID), Taxonomy: "207Q00000X",
		Address: rcm.Address{Line1: "1 Synthetic Way", City: "Springfield", State: "IL", ZIP: "62701"}, Phone: "2175550100"}
	if err := db.CreatePractice(actx, p); err != nil {
		return nil, err
	}
	for v := range opt.Providers {
		prov := &rcm.Provider{PracticeID: p.ID, FirstName: firstNames[v%len(firstNames)], LastName: lastNames[(v*7+i)%len(lastNames)],
			NPI: npi(int(org.ID)*100 + v + 1), Taxonomy: "207Q00000X"}
		if err := db.CreateProvider(actx, prov); err != nil {
			return nil, err
		}
		o.Providers = append(o.Providers, prov.ID)
	}
	for y := range opt.Payers {
		pn := payerNames[y%len(payerNames)]
		py := &rcm.Payer{Name: pn.name, PayerID: pn.id + strconv.Itoa(y/len(payerNames)), FilingIndicator: pn.sbr09, TimelyFilingDays: 365}
		if err := db.CreatePayer(actx, py); err != nil {
			return nil, err
		}
		o.Payers = append(o.Payers, py.ID)
	}
	return o, nil
}

// exec runs one generating statement and counts its rows.
func (g *gen) exec(ctx context.Context, what, q string, args ...any) error {
	t := time.Now()
	res, err := g.db.ExecContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	n, _ := res.RowsAffected()
	g.rows += n
	g.log("  %-28s %9d rows in %6.1f s", what, n, time.Since(t).Seconds())
	return nil
}

// series is the prefix that makes the table seq(x) of 0..n-1.
func (g *gen) series(n int) string {
	if g.db.Dialect() == sqldb.Postgres {
		return `WITH seq(x) AS (SELECT generate_series(0, ` + strconv.Itoa(n-1) + `)) `
	}
	return `WITH RECURSIVE seq(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM seq WHERE x < ` + strconv.Itoa(n-1) + `) `
}

// day is the SQL for "day 0 plus expr days" as YYYY-MM-DD.
func (g *gen) day(expr string) string {
	if g.db.Dialect() == sqldb.Postgres {
		return `to_char(DATE '` + g.start + `' + (` + expr + `)::int, 'YYYY-MM-DD')`
	}
	return `date('` + g.start + `', '+' || (` + expr + `) || ' days')`
}

// at is the SQL for a posting time on day expr at hh:mm, as the store
// writes times.
func (g *gen) at(expr, hhmm string) string {
	return g.day(expr) + ` || 'T` + hhmm + `:00.000000000Z'`
}

// pick is a CASE choosing ids[expr % len(ids)].
func pick(expr string, ids []int64) string {
	var b strings.Builder
	b.WriteString("CASE (" + expr + ") % " + strconv.Itoa(len(ids)))
	for i, id := range ids {
		fmt.Fprintf(&b, " WHEN %d THEN %d", i, id)
	}
	b.WriteString(" END")
	return b.String()
}

func pickText(expr string, vals []string) string {
	var b strings.Builder
	b.WriteString("CASE (" + expr + ") % " + strconv.Itoa(len(vals)))
	for i, v := range vals {
		fmt.Fprintf(&b, " WHEN %d THEN '%s'", i, strings.ReplaceAll(v, "'", "''"))
	}
	b.WriteString(" END")
	return b.String()
}

// reserve takes n ids of table (n > 0) and returns the first.
func (g *gen) reserve(ctx context.Context, table string, n int64) (int64, error) {
	var first int64
	if g.db.Dialect() == sqldb.Postgres {
		if err := g.db.QueryRowContext(ctx, `SELECT nextval(pg_get_serial_sequence('`+table+`', 'id'))`).Scan(&first); err != nil {
			return 0, err
		}
		_, err := g.db.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+table+`', 'id'), `+strconv.FormatInt(first+n, 10)+`)`)
		return first, err
	}
	err := g.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM `+table).Scan(&first)
	return first, err
}

func (g *gen) id(table, plus string) string {
	return `(` + strconv.FormatInt(g.base[table], 10) + ` + ` + plus + `)`
}

func (g *gen) run(ctx context.Context) error {
	o, n := g.o, int64(g.n)
	sizes := map[string]int64{"patient": int64(g.p), "coverage": int64(g.p), "encounter": n, "service_line": 2 * n, "claim": n, "claim_line": 2 * n,
		"submission": int64(len(o.Payers)) * (visitDays + 10), "ledger_txn": 2 * n, "remittance": int64(len(o.Payers)) * (dataDays + 10),
		"remit_claim": n, "remit_line": 2 * n}
	for _, t := range idTables {
		b, err := g.reserve(ctx, t, sizes[t])
		if err != nil {
			return fmt.Errorf("reserve %s ids: %w", t, err)
		}
		g.base[t] = b
	}
	g.log("organization %s (id %d): %d claims, %d patients, %d payers, %d providers", o.Name, o.ID, g.n, g.p, len(o.Payers), len(o.Providers))
	org, admin := strconv.FormatInt(o.ID, 10), strconv.FormatInt(o.AdminID, 10)
	P := strconv.Itoa(g.p)
	pat := `((x / 20) % ` + P + `)`
	payerOfPatient := func(p string) string { return pick(p, o.Payers) }
	payer := payerOfPatient(pat)
	payerIdx := `(` + pat + ` % ` + strconv.Itoa(len(o.Payers)) + `)`
	k := `(x % ` + strconv.Itoa(visitDays) + `)`                      // visit day
	ans := `(` + k + ` + ` + strconv.Itoa(answerAfter) + ` + x % 11)` // 835 day
	cn := `'G' || ` + org + ` || '-' || x`
	practice := `(SELECT practice_id FROM provider WHERE org_id = ` + org + ` AND id = ` + strconv.FormatInt(o.Providers[0], 10) + `)`
	steps := []struct{ what, q string }{
		{"patients", g.series(g.p) + `INSERT INTO patient (id, org_id, account_number, first_name, middle_name, last_name, birth_date, sex, line1, line2, city, state, zip, phone, guarantor)
			SELECT ` + g.id("patient", "x") + `, ` + org + `, 'G' || ` + org + ` || 'P' || x, ` + pickText("x", firstNames) + `, '', ` + pickText("x / 16", lastNames) + `,
			(1940 + x % 60) || '-0' || (1 + x % 9) || '-1' || (x % 9), CASE WHEN x % 2 = 0 THEN 'F' ELSE 'M' END,
			(100 + x % 900) || ' Synthetic Street', '', 'Springfield', 'IL', '62701', '', '' FROM seq`},
		{"coverages", g.series(g.p) + `INSERT INTO coverage (id, org_id, patient_id, payer_id, ord, member_id, group_number, relationship, subscriber, effective_from, effective_to)
			SELECT ` + g.id("coverage", "x") + `, ` + org + `, ` + g.id("patient", "x") + `, ` + payerOfPatient("x") + `, 1, 'GM' || ` + org + ` || 'X' || x, '', '18', '', '2020-01-01', '' FROM seq`},
		{"encounters", g.series(g.n) + `INSERT INTO encounter (id, org_id, patient_id, practice_id, rendering_provider_id, date_of_service, place_of_service, note, status)
			SELECT ` + g.id("encounter", "x") + `, ` + org + `, ` + g.id("patient", pat) + `, ` + practice + `, ` + pick("x", o.Providers) + `, ` + g.day(k) + `, '11', '', 'billed' FROM seq`},
		{"encounter diagnoses", `INSERT INTO encounter_diagnosis (org_id, encounter_id, seq, code)
			SELECT org_id, id, 1, CASE id % 4 WHEN 0 THEN 'I10' WHEN 1 THEN 'E119' WHEN 2 THEN 'J069' ELSE 'M545' END FROM encounter
			WHERE org_id = ` + org + ` AND id >= ` + strconv.FormatInt(g.base["encounter"], 10)},
		{"service lines", g.series(2*g.n) + `INSERT INTO service_line (id, org_id, encounter_id, seq, code, modifiers, units, charge, pointers, ndc, date_of_service)
			SELECT ` + g.id("service_line", "x") + `, ` + org + `, ` + g.id("encounter", "x / 2") + `, 1 + x % 2, CASE WHEN x % 2 = 0 THEN '99214' ELSE '36415' END, '', 1,
			CASE WHEN x % 2 = 0 THEN ` + strconv.Itoa(charge1) + ` ELSE ` + strconv.Itoa(charge2) + ` END, '1', '', ` + g.day(`(x / 2) % `+strconv.Itoa(visitDays)) + ` FROM seq`},
		{"claims", g.series(g.n) + `INSERT INTO claim (id, org_id, encounter_id, patient_id, payer_id, coverage_id, control_number, frequency, payer_claim_number, state,
			prior_auth, referral, onset_date, accident_date, accident_cause, accident_state, date_of_service, place_of_service, total_charge, created_at)
			SELECT ` + g.id("claim", "x") + `, ` + org + `, ` + g.id("encounter", "x") + `, ` + g.id("patient", pat) + `, ` + payer + `, ` + g.id("coverage", pat) + `, ` + cn + `, '1',
			CASE WHEN ` + fateAnswer + ` THEN 'PCN' || ` + org + ` || 'X' || x ELSE '' END,
			CASE WHEN ` + fateNone + ` THEN 'accepted' WHEN ` + fateDenied + ` THEN 'denied' WHEN ` + fatePartly + ` THEN 'partly_paid' ELSE 'paid' END,
			'', '', '', '', '', '', ` + g.day(k) + `, '11', ` + strconv.Itoa(charge1+charge2) + `, ` + g.at(k+" + 1", "08:00") + ` FROM seq`},
		{"claim diagnoses", `INSERT INTO claim_diagnosis (org_id, claim_id, seq, code) SELECT c.org_id, c.id, 1, d.code FROM claim c
			JOIN encounter_diagnosis d ON d.encounter_id = c.encounter_id AND d.seq = 1 WHERE c.org_id = ` + org + ` AND c.id >= ` + strconv.FormatInt(g.base["claim"], 10)},
		{"claim lines", g.series(2*g.n) + `INSERT INTO claim_line (id, org_id, claim_id, seq, service_line_id, code, modifiers, units, charge, pointers, ndc, date_of_service)
			SELECT ` + g.id("claim_line", "x") + `, ` + org + `, ` + g.id("claim", "x / 2") + `, 1 + x % 2, ` + g.id("service_line", "x") + `, CASE WHEN x % 2 = 0 THEN '99214' ELSE '36415' END, '', 1,
			CASE WHEN x % 2 = 0 THEN ` + strconv.Itoa(charge1) + ` ELSE ` + strconv.Itoa(charge2) + ` END, '1', '', ` + g.day(`(x / 2) % `+strconv.Itoa(visitDays)) + ` FROM seq`},
	}
	// The claim's history, as the pipeline and the posting write it.
	type ev struct{ day, hhmm, from, to, where string }
	for _, e := range []ev{
		{k + " + 1", "08:00", "", "draft", ""},
		{k + " + 1", "08:10", "draft", "ready", ""},
		{k + " + 1", "09:00", "ready", "submitted", ""},
		{k + " + 2", "09:00", "submitted", "rejected", " WHERE " + rejectOnce},
		{k + " + 3", "08:00", "rejected", "draft", " WHERE " + rejectOnce},
		{k + " + 3", "08:10", "draft", "ready", " WHERE " + rejectOnce},
		{k + " + 3", "09:00", "ready", "submitted", " WHERE " + rejectOnce},
		{k + " + 4", "09:00", "submitted", "accepted", ""},
		{ans, "10:00", "accepted", "denied", " WHERE " + fateDenied},
		{ans, "10:00", "accepted", "partly_paid", " WHERE " + fatePartly},
		{ans, "10:00", "accepted", "paid", " WHERE " + fateAnswer + " AND NOT " + fateDenied + " AND NOT " + fatePartly},
	} {
		steps = append(steps, struct{ what, q string }{"claim events " + e.to, g.series(g.n) + `INSERT INTO claim_event (org_id, claim_id, at, user_id, from_state, to_state, reason)
			SELECT ` + org + `, ` + g.id("claim", "x") + `, ` + g.at(e.day, e.hhmm) + `, ` + admin + `, '` + e.from + `', '` + e.to + `', 'generated' FROM seq` + e.where})
	}
	// One 837P file per payer and day; a claim rejected once is in two.
	subDay := k + " + 1"
	subID := func(day string) string {
		return g.id("submission", payerIdx+" * "+strconv.Itoa(visitDays+10)+" + "+day)
	}
	steps = append(steps,
		struct{ what, q string }{"submissions", g.series(g.n) + `INSERT INTO submission (id, org_id, payer_id, receiver, key, file_name, control, content, state, created_at, sent_at)
			SELECT DISTINCT s, ` + org + `, py, 'GENCH', 'gen:' || s, 'gen-' || s || '.837', s, '', 'sent', ` + g.at("d", "09:00") + `, ` + g.at("d", "09:00") + `
			FROM (SELECT ` + subID(subDay) + ` AS s, ` + payer + ` AS py, ` + subDay + ` AS d FROM seq
				UNION SELECT ` + subID(k+" + 3") + `, ` + payer + `, ` + k + ` + 3 FROM seq WHERE ` + rejectOnce + `) t`},
		struct{ what, q string }{"submitted claims", g.series(g.n) + `INSERT INTO submission_claim (org_id, submission_id, claim_id)
			SELECT ` + org + `, ` + subID(subDay) + `, ` + g.id("claim", "x") + ` FROM seq
			UNION ALL SELECT ` + org + `, ` + subID(k+" + 3") + `, ` + g.id("claim", "x") + ` FROM seq WHERE ` + rejectOnce},
	)
	// Charges, one ledger transaction per claim when it was submitted.
	steps = append(steps,
		struct{ what, q string }{"charge transactions", g.series(g.n) + `INSERT INTO ledger_txn (id, org_id, posted_at, user_id, ext_key, memo)
			SELECT ` + g.id("ledger_txn", "2 * x") + `, ` + org + `, ` + g.at(subDay, "09:00") + `, ` + admin + `, 'charge:claim:' || ` + g.id("claim", "x") + `,
			'claim ' || ` + cn + ` || ' submitted' FROM seq`},
		struct{ what, q string }{"charges", g.series(2*g.n) + `INSERT INTO ledger_pair (org_id, txn_id, seq, line_id, op, amount, reason, method, debit_kind, debit_payer, debit_grp, credit_kind, credit_payer, credit_grp)
			SELECT ` + org + `, ` + g.id("ledger_txn", "2 * (x / 2)") + `, x % 2, ` + g.id("service_line", "x") + `, 'charge',
			CASE WHEN x % 2 = 0 THEN ` + strconv.Itoa(charge1) + ` ELSE ` + strconv.Itoa(charge2) + ` END, '', '',
			'insurance_ar', ` + pick(`((x / 40) % `+P+`)`, o.Payers) + `, '', 'charges', NULL, '' FROM seq`},
	)
	if err := g.steps(ctx, steps); err != nil {
		return err
	}
	return g.remits(ctx, payer, payerIdx, k, ans, cn)
}

func (g *gen) steps(ctx context.Context, steps []struct{ what, q string }) error {
	for _, s := range steps {
		if err := g.exec(ctx, s.what, s.q); err != nil {
			return err
		}
	}
	return nil
}

// lineOutcome is what the 835 says of one line of a claim of one fate:
// paid, then the CAS adjustments in order.
type lineOutcome struct {
	paid int
	adj  []rcm.Adjustment
}

// fates lists, per fate, its SQL condition, the claim status (CLP02), and
// each line's outcome; amounts add up to the line's charge.
var fates = []struct {
	where  string
	status string
	lines  [2]lineOutcome
	carc   string // the denial reason, for the work items
}{
	{fatePaid, "1", [2]lineOutcome{{12000, []rcm.Adjustment{{Group: "CO", Reason: "45", Amount: 5000}, {Group: "PR", Reason: "2", Amount: 3550}}},
		{1500, []rcm.Adjustment{{Group: "CO", Reason: "45", Amount: 1000}}}}, ""},
	{fateDeduct, "1", [2]lineOutcome{{0, []rcm.Adjustment{{Group: "CO", Reason: "45", Amount: 5000}, {Group: "PR", Reason: "1", Amount: 15550}}},
		{1500, []rcm.Adjustment{{Group: "CO", Reason: "45", Amount: 1000}}}}, ""},
	{fatePartly, "1", [2]lineOutcome{{12000, []rcm.Adjustment{{Group: "CO", Reason: "45", Amount: 5000}, {Group: "PR", Reason: "2", Amount: 3550}}},
		{0, []rcm.Adjustment{{Group: "CO", Reason: "97", Amount: charge2}}}}, "97"},
	{fateDenied + " AND x % 3 = 0", "4", [2]lineOutcome{{0, []rcm.Adjustment{{Group: "CO", Reason: "50", Amount: charge1}}},
		{0, []rcm.Adjustment{{Group: "CO", Reason: "50", Amount: charge2}}}}, "50"},
	{fateDenied + " AND x % 3 = 1", "4", [2]lineOutcome{{0, []rcm.Adjustment{{Group: "CO", Reason: "197", Amount: charge1}}},
		{0, []rcm.Adjustment{{Group: "CO", Reason: "197", Amount: charge2}}}}, "197"},
	{fateDenied + " AND x % 3 = 2", "4", [2]lineOutcome{{0, []rcm.Adjustment{{Group: "CO", Reason: "16", Amount: charge1}}},
		{0, []rcm.Adjustment{{Group: "CO", Reason: "16", Amount: charge2}}}}, "16"},
}

var carcCategory = map[string]string{"97": "bundling", "50": "medical_necessity", "197": "authorization", "16": "missing_information"}

// fateSums returns what a claim of a fate is paid (CLP04) and leaves to
// the patient (CLP05).
func fateSums(lines [2]lineOutcome) (paid, resp int) {
	for _, l := range lines {
		paid += l.paid
		for _, a := range l.adj {
			if a.Group == "PR" {
				resp += int(a.Amount)
			}
		}
	}
	return paid, resp
}

func adjJSON(as []rcm.Adjustment) string {
	var parts []string
	for _, a := range as {
		parts = append(parts, fmt.Sprintf(`{"group":"%s","reason":"%s","amount":"%s"}`, a.Group, a.Reason, a.Amount))
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// remits writes the 835s: one per payer and day, each claim answered in
// one, posted as remit.Post would: the claim payment, its lines, a
// ledger transaction per claim (payment, then each adjustment, line by
// line), the deposit journal, and a work item per denied line and per
// claim without an answer after 45 days.
func (g *gen) remits(ctx context.Context, payer, payerIdx, k, ans, cn string) error {
	o := g.o
	org, admin := strconv.FormatInt(o.ID, 10), strconv.FormatInt(o.AdminID, 10)
	remID := g.id("remittance", payerIdx+" * "+strconv.Itoa(dataDays+10)+" + "+ans)
	trace := `'G' || ` + org + ` || 'Y' || ` + payerIdx + ` || 'D' || ` + ans
	claimPaid := "CASE"
	for _, f := range fates {
		paid, _ := fateSums(f.lines)
		claimPaid += fmt.Sprintf(" WHEN %s THEN %d", f.where, paid)
	}
	claimPaid += " END"
	// A claim's CLP position in its 835: its number in the organization
	// plus one, unique in any 835 (the positions of one 835 have gaps).
	clp := `x + 1`
	steps := []struct{ what, q string }{
		{"remittances", g.series(g.n) + `INSERT INTO remittance (id, org_id, payer_id, trace, trace_originator, control, handling, method, amount, paid_on, payer_name,
			claims, exceptions, posted_at, user_id, fingerprint)
			SELECT t.r, ` + org + `, t.py, t.tr, '1GEN', '0001', 'I', 'ACH', t.amount, ` + g.day("t.a") + `, p.name, t.n, 0, ` + g.at("t.a", "10:00") + `, ` + admin + `, 'gen:' || t.tr
			FROM (SELECT r, py, tr, a, SUM(paid) AS amount, COUNT(*) AS n FROM (SELECT ` + remID + ` AS r, ` + payer + ` AS py, ` + trace + ` AS tr, ` + ans + ` AS a, ` + claimPaid + ` AS paid
				FROM seq WHERE ` + fateAnswer + `) u GROUP BY r, py, tr, a) t
			JOIN payer p ON p.org_id = ` + org + ` AND p.id = t.py`},
		{"deposit received", `INSERT INTO deposit_entry (org_id, remittance_id, payer_id, seq, account, reason, reference, side, amount)
			SELECT org_id, id, payer_id, 1, 'received', '', '', 1, amount FROM remittance WHERE org_id = ` + org + ` AND amount > 0 AND id >= ` + strconv.FormatInt(g.base["remittance"], 10)},
		{"deposit applied", `INSERT INTO deposit_entry (org_id, remittance_id, payer_id, seq, account, reason, reference, side, amount)
			SELECT org_id, id, payer_id, 2, 'applied', '', '', -1, amount FROM remittance WHERE org_id = ` + org + ` AND amount > 0 AND id >= ` + strconv.FormatInt(g.base["remittance"], 10)},
	}
	for _, f := range fates {
		paid, resp := fateSums(f.lines)
		state := "paid"
		switch f.status {
		case "4":
			state = "denied"
		default:
			if f.lines[1].paid == 0 && len(f.lines[1].adj) == 1 && f.lines[1].adj[0].Group == "CO" {
				state = "partly_paid"
			}
		}
		txn := "NULL"
		if paid > 0 || len(f.lines[0].adj) > 0 {
			txn = g.id("ledger_txn", "2 * x + 1")
		}
		steps = append(steps, struct{ what, q string }{"835 transactions " + f.where, g.series(g.n) + `INSERT INTO ledger_txn (id, org_id, posted_at, user_id, ext_key, memo)
			SELECT ` + g.id("ledger_txn", "2 * x + 1") + `, ` + org + `, ` + g.at(ans, "10:00") + `, ` + admin + `, '835:' || ` + payer + ` || ':' || ` + trace + ` || ':' || (` + clp + `),
			'835 ' || ` + trace + ` || ' claim ' || ` + cn + ` FROM seq WHERE ` + f.where})
		steps = append(steps, struct{ what, q string }{"835 claims " + f.where, g.series(g.n) + `INSERT INTO remit_claim (id, org_id, remittance_id, seq, claim_id, matched_by, control_number, status, charge, paid,
			patient_resp, filing_indicator, payer_claim_number, adjustments, remarks, outcome, claim_state, ledger_txn_id, reverses_id, secondary_claim_id, transferred)
			SELECT ` + g.id("remit_claim", "x") + `, ` + org + `, ` + remID + `, ` + clp + `, ` + g.id("claim", "x") + `, 'control_number', ` + cn + `, '` + f.status + `', ` +
			strconv.Itoa(charge1+charge2) + `, ` + strconv.Itoa(paid) + `, ` + strconv.Itoa(resp) + `, 'CI', 'PCN' || ` + org + ` || 'X' || x, '', '', 'posted', '` + state + `', ` + txn + `, NULL, NULL, 0
			FROM seq WHERE ` + f.where})
		seq := 0
		for j, l := range f.lines {
			line := g.id("service_line", "2 * x + "+strconv.Itoa(j))
			charge := charge1
			if j == 1 {
				charge = charge2
			}
			denied := 0
			if l.paid == 0 && len(l.adj) > 0 && !slices.ContainsFunc(l.adj, func(a rcm.Adjustment) bool { return a.Group == "PR" }) {
				denied = 1
			}
			steps = append(steps, struct{ what, q string }{fmt.Sprintf("835 line %d %s", j+1, f.where), g.series(g.n) + `INSERT INTO remit_line (id, org_id, remit_claim_id, seq, service_line_id, claim_line, match, code, modifiers,
				original_code, original_modifiers, charge, paid, units, allowed, date_of_service, line_control, adjustments, remarks, denied, expected, underpaid)
				SELECT ` + g.id("remit_line", "2 * x + "+strconv.Itoa(j)) + `, ` + org + `, ` + g.id("remit_claim", "x") + `, ` + strconv.Itoa(j+1) + `, ` + line + `, ` + strconv.Itoa(j+1) + `, 'exact', '` +
				[]string{"99214", "36415"}[j] + `', '', '', '', ` + strconv.Itoa(charge) + `, ` + strconv.Itoa(l.paid) + `, 1, NULL, ` + g.day(k) + `, '', '` + adjJSON(l.adj) + `', '', ` + strconv.Itoa(denied) + `, NULL, 0
				FROM seq WHERE ` + f.where})
			pair := func(op string, amount int, reason, method, debit string) {
				steps = append(steps, struct{ what, q string }{fmt.Sprintf("ledger %s line %d %s", op, j+1, f.where), g.series(g.n) + `INSERT INTO ledger_pair (org_id, txn_id, seq, line_id, op, amount, reason, method,
					debit_kind, debit_payer, debit_grp, credit_kind, credit_payer, credit_grp)
					SELECT ` + org + `, ` + g.id("ledger_txn", "2 * x + 1") + `, ` + strconv.Itoa(seq) + `, ` + line + `, '` + op + `', ` + strconv.Itoa(amount) + `, '` + reason + `', '` + method + `', ` +
					debit + `, 'insurance_ar', ` + payer + `, '' FROM seq WHERE ` + f.where})
				seq++
			}
			if l.paid > 0 {
				pair("payer_payment", l.paid, "", "ACH", `'payer_paid', `+payer+`, ''`)
			}
			for _, a := range l.adj {
				if a.Group == "PR" {
					pair("patient_share", int(a.Amount), a.Reason, "", `'patient_ar', NULL, ''`)
				} else {
					pair("adjustment", int(a.Amount), a.Reason, "", `'adjusted', NULL, '`+a.Group+`'`)
				}
			}
			if denied == 1 {
				cat := carcCategory[f.carc]
				steps = append(steps, struct{ what, q string }{fmt.Sprintf("denial items line %d %s", j+1, f.where), g.series(g.n) + `INSERT INTO followup_item (org_id, claim_id, patient_id, payer_id, line_code, kind, category,
					reasons, summary, stake, opened_on, appeal_by, filing_by, due, owner_id, follow_up, state, outcome, source, closed_at)
					SELECT ` + org + `, ` + g.id("claim", "x") + `, ` + g.id("patient", "((x / 20) % "+strconv.Itoa(g.p)+")") + `, ` + payer + `, '` + []string{"99214", "36415"}[j] + `', 'denial', '` + cat + `',
					'CO-` + f.carc + `', 'line ` + strconv.Itoa(j+1) + ` ` + []string{"99214", "36415"}[j] + ` denied ` + rcm.Money(charge).Dollars() + `', ` + strconv.Itoa(charge) + `, ` + g.day(ans) + `, ` + g.day(ans+" + 180") + `, ` +
					g.day(k+" + 365") + `, ` + g.day(ans+" + 180") + `, CASE WHEN x % 3 = 0 THEN ` + admin + ` ELSE 0 END, '', 'open', '', '835:' || ` + remID + ` || ':` + strconv.Itoa(j+1) + `', ''
					FROM seq WHERE ` + f.where})
			}
		}
	}
	steps = append(steps, struct{ what, q string }{"no-answer items", g.series(g.n) + `INSERT INTO followup_item (org_id, claim_id, patient_id, payer_id, line_code, kind, category,
		reasons, summary, stake, opened_on, appeal_by, filing_by, due, owner_id, follow_up, state, outcome, source, closed_at)
		SELECT ` + org + `, ` + g.id("claim", "x") + `, ` + g.id("patient", "((x / 20) % "+strconv.Itoa(g.p)+")") + `, ` + payer + `, '', 'status', 'no_response', '',
		'no answer 45 days after submission', ` + strconv.Itoa(charge1+charge2) + `, ` + g.day(k+" + 45") + `, '', ` + g.day(k+" + 365") + `, ` + g.day(k+" + 365") + `, 0, '', 'open', '',
		'noanswer:' || ` + g.id("claim", "x") + `, '' FROM seq WHERE ` + fateNone + ` AND ` + k + ` + 45 < ` + strconv.Itoa(dataDays)})
	return g.steps(ctx, steps)
}
