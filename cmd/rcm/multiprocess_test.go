package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// procs runs the rcm binary a test built as real processes.
type procs struct {
	t   *testing.T
	bin string
	env []string
}

// buildRCM builds this command once, with the rcmchaos hook that lets a
// test stop a process in the middle of posting (chaos_hook.go).
func buildRCM(t *testing.T) *procs {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "rcm")
	if out, err := exec.Command("go", "build", "-tags", "rcmchaos", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	var env []string
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); k != "RCM_KEY_FILE" && k != "RCM_KEY" && k != "RCM_DB" && !strings.HasPrefix(k, "RCM_CHAOS_") {
			env = append(env, kv)
		}
	}
	env = append(env, "RCM_KEY="+sqldbtest.KeyringLine(), "RCM_CONFIG_DIR="+t.TempDir())
	return &procs{t: t, bin: bin, env: env}
}

// run runs a command to its end and returns its exit code and output.
func (p *procs) run(args ...string) (int, string) {
	p.t.Helper()
	cmd := exec.Command(p.bin, args...)
	cmd.Env = p.env
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), string(out)
	} else if err != nil {
		p.t.Fatalf("rcm %s: %v", args[0], err)
	}
	return 0, string(out)
}

// proc is a running process and its output so far.
type proc struct {
	cmd    *exec.Cmd
	out    *lockedBuffer
	exited chan struct{} // closed when the process has ended, with err
	err    error
}

// start starts a long-running command; the test stops it (SIGTERM, then
// SIGKILL) when it ends.
func (p *procs) start(extraEnv []string, args ...string) *proc {
	p.t.Helper()
	out := &lockedBuffer{}
	cmd := exec.Command(p.bin, args...)
	cmd.Env = append(append([]string{}, p.env...), extraEnv...)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	pr := &proc{cmd: cmd, out: out, exited: make(chan struct{})}
	go func() {
		pr.err = cmd.Wait()
		close(pr.exited)
	}()
	p.t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-pr.exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-pr.exited
		}
	})
	return pr
}

// waitFor polls cond every 50 ms until it holds, failing the test with
// what after the deadline.
func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(within); !cond(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %s", within, what)
		}
	}
}

// ready waits until the process's log matches re and returns the first
// submatch.
func (pr *proc) ready(t *testing.T, re *regexp.Regexp) string {
	t.Helper()
	var m []string
	waitFor(t, 30*time.Second, "not ready: "+pr.out.String(), func() bool {
		select {
		case <-pr.exited:
			t.Fatalf("exited before it was ready (%v):\n%s", pr.err, pr.out.String())
		default:
		}
		m = re.FindStringSubmatch(pr.out.String())
		return m != nil
	})
	if len(m) > 1 {
		return m[1]
	}
	return ""
}

// TestMultiProcessOnePostgres runs the built rcm as two `rcm serve` and two
// `rcm worker` processes on one fresh PostgreSQL database and checks what
// many processes must get right together: each organization's scheduled
// poll runs once in its period, not once per worker; a code-set import is
// searched on both servers within seconds; a worker killed with SIGKILL in
// the middle of posting the 835 its poll picked up loses nothing, and the
// job it held is posted once after the restart; `rcm claim submit` killed
// with SIGKILL after storing its batch but in the middle of delivering it
// delivers the batch once when run again. The ledger check and the audit
// verification are clean at the end.
func TestMultiProcessOnePostgres(t *testing.T) {
	t.Parallel()
	dsn := sqldbtest.PostgresDSN(t)
	began := time.Now()
	p := buildRCM(t)
	keys := sqldb.WithKeyring(sqldbtest.Keyring())
	era := eraSeed(t, dsn, keys)
	ch := t.TempDir()
	if code, out := p.run("clearinghouse", "set", "--db", dsn, "--submitter-id", "LAKESIDE01", "--submitter-name", "Lakeside",
		"--contact", "Billing Office", "--phone", "2175550140", "--receiver-id", "SANDBOXCH", "--receiver-name", "Sandbox", "--transport", "dir:"+ch); code != 0 {
		t.Fatalf("clearinghouse set: %d %s", code, out)
	}
	db, err := sqldb.Open(context.Background(), dsn, keys)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	var orgA, admin int64
	if err := db.QueryRowContext(ctx, `SELECT org_id, id FROM app_user ORDER BY id LIMIT 1`).Scan(&orgA, &admin); err != nil {
		t.Fatal(err)
	}
	actx := rcm.NewContextWithActor(ctx, rcm.Actor{UserID: admin, OrgID: orgA, Role: rcm.RoleAdmin, Reason: "test"})
	readyClaims(t, actx, db, 3)
	_, orgB := sqldbtest.Org(t, db, "Org B")
	_, token, err := db.CreateAPIToken(actx, admin, "multi-process test", 0)
	if err != nil {
		t.Fatal(err)
	}
	inbound := filepath.Join(ch, "inbound")
	if err := os.MkdirAll(inbound, 0o755); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(era)
	if err != nil {
		t.Fatal(err)
	}
	waiting := filepath.Join(inbound, "835-ACME1-0001.x12")
	if err := os.WriteFile(waiting, data, 0o644); err != nil {
		t.Fatal(err)
	}
	_, ledgerBefore := p.run("ledger", "check", "--db", dsn)

	var bases []string
	for range 2 {
		s := p.start(nil, "serve", "--db", dsn, "--addr", "127.0.0.1:0")
		bases = append(bases, "http://"+s.ready(t, servingAddr))
	}
	// Both workers would stall at the posting's third write; the first to
	// get there does (the mark holds its process id), and is killed there.
	mark := filepath.Join(t.TempDir(), "stalled")
	worker := []string{"worker", "--db", dsn, "--tick", "1s", "--job-timeout", "2s"}
	stall := []string{"RCM_CHAOS_STALL_AT=3", "RCM_CHAOS_STALL_MARK=" + mark}
	workers := []*proc{p.start(stall, worker...), p.start(stall, worker...)}
	for _, w := range workers {
		w.ready(t, regexp.MustCompile(`msg="worker started"`))
	}

	t.Logf("%s: %s", time.Since(began).Round(time.Millisecond), "servers and workers ready")
	// The catalogue: imported by a third process, searched on both servers.
	search := func(base string) string {
		_, body := get(t, base+"/api/v1/codes/search?q=multiprobe", "Authorization", "Bearer "+token)
		return body
	}
	codes := filepath.Join(t.TempDir(), "icd10cm_order_2025.txt")
	line := fmt.Sprintf("%05d %-7s %d %-60s %s\n", 1, "R69", 1, "Illness, unspecified multiprobe", "Illness, unspecified multiprobe")
	if err := os.WriteFile(codes, []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, base := range bases {
		if body := search(base); strings.Contains(body, `"R69"`) {
			t.Fatalf("found before the import: %s", body)
		}
	}
	if code, out := p.run("codes", "import", "--db", dsn, codes); code != 0 {
		t.Fatalf("codes import: %d %s", code, out)
	}
	for _, base := range bases {
		waitFor(t, 15*time.Second, base+" does not find the imported code", func() bool { return strings.Contains(search(base), `"R69"`) })
	}

	t.Logf("%s: %s", time.Since(began).Round(time.Millisecond), "catalogue seen on both servers")
	// The posting: kill the stalled worker, check nothing of the 835 is
	// stored, restart it, and wait for the handed-back job to post it.
	waitFor(t, 30*time.Second, "no worker's poll reached the posting", func() bool { _, err := os.Stat(mark); return err == nil })
	b, _ := os.ReadFile(mark)
	pid, _ := strconv.Atoi(string(b))
	killed := -1
	for i, w := range workers {
		if w.cmd.Process.Pid == pid {
			killed = i
		}
	}
	if killed < 0 {
		t.Fatalf("process %d stalled, not one of the workers", pid)
	}
	if err := workers[killed].cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-workers[killed].exited
	if code, after := p.run("ledger", "check", "--db", dsn); code != 0 || after != ledgerBefore {
		t.Fatalf("after the kill the ledger check says (exit %d):\n%s\nwant as before:\n%s", code, after, ledgerBefore)
	}
	if _, err := os.Stat(waiting); err != nil {
		t.Fatalf("the 835 left the inbound folder unposted: %v", err)
	}
	p.start(nil, worker...).ready(t, regexp.MustCompile(`msg="worker started"`))
	waitFor(t, 60*time.Second, "the handed-back poll never applied the 835", func() bool {
		_, err := os.Stat(waiting)
		return errors.Is(err, os.ErrNotExist)
	})
	if code, out := p.run("ledger", "check", "--db", dsn); code != 0 || !strings.Contains(out, "Remittances (1)") {
		t.Errorf("after the restart: exit %d\n%s", code, out)
	}

	t.Logf("%s: %s", time.Since(began).Round(time.Millisecond), "835 posted after the restart")
	// The schedule: many ticks of three workers later, one poll per
	// organization in each 15-minute period (River's periods are aligned to
	// the clock, so a run that crosses a quarter hour has a second one),
	// every one run to completion.
	polls := map[string]int{}
	rows, err := db.SQL().QueryContext(ctx, `SELECT args->>'org_id', FLOOR(EXTRACT(EPOCH FROM created_at) / 900)::bigint, state
		FROM river_job WHERE kind = 'clearinghouse_poll'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var org, state string
		var period int64
		if err := rows.Scan(&org, &period, &state); err != nil {
			t.Fatal(err)
		}
		polls[fmt.Sprintf("org %s period %d %s", org, period, state)]++
	}
	rows.Close()
	perOrg := map[string]int{}
	for k, n := range polls {
		if n != 1 || !strings.HasSuffix(k, " completed") {
			t.Errorf("scheduled polls %v: want each organization's poll once per period, completed", polls)
			break
		}
		perOrg[strings.Fields(k)[1]]++
	}
	if perOrg[fmt.Sprint(orgA)] == 0 || perOrg[fmt.Sprint(orgB.ID)] == 0 || len(perOrg) != 2 {
		t.Errorf("scheduled polls %v: want both organizations polled", polls)
	}
	t.Logf("%s: %s", time.Since(began).Round(time.Millisecond), "scheduled polls counted")

	// The submission: the batch is stored, then delivered to the outbound
	// folder, where a pipe in place of its file holds the sender in the
	// middle of the delivery until it is killed.
	out := filepath.Join(ch, "outbound")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	var fifos []string
	for n := 1; n <= 3; n++ {
		f := filepath.Join(out, fmt.Sprintf("837P-SANDBOXCH-%09d.x12", n))
		if err := syscall.Mkfifo(f, 0o600); err != nil {
			t.Fatal(err)
		}
		fifos = append(fifos, f)
	}
	sub := p.start(nil, "claim", "submit", "--db", dsn, "--org", fmt.Sprint(orgA))
	var held *os.File
	waitFor(t, 45*time.Second, "the submission never reached its delivery", func() bool {
		select {
		case <-sub.exited:
			var names []string
			rows, _ := db.QueryContext(ctx, `SELECT file_name FROM submission`)
			for rows != nil && rows.Next() {
				var n string
				rows.Scan(&n)
				names = append(names, n)
			}
			t.Fatalf("claim submit ended (%v) before its delivery; submissions %v:\n%s", sub.err, names, sub.out.String())
		default:
		}
		for _, f := range fifos {
			// Opening a pipe's write end without blocking succeeds only
			// while a reader has it open: the sender, comparing its file.
			if w, err := os.OpenFile(f, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				held = w
				return true
			}
		}
		return false
	})
	t.Logf("%s: %s", time.Since(began).Round(time.Millisecond), "submission held in delivery")
	if err := sub.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-sub.exited
	held.Close()
	for _, f := range fifos {
		os.Remove(f)
	}
	count := func(q string) int {
		var n int
		if err := db.QueryRowContext(ctx, q, orgA).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(`SELECT COUNT(*) FROM submission WHERE org_id = ?`); n != 1 {
		t.Fatalf("%d submissions stored before the kill; want the one batch", n)
	}
	for range 2 { // the rerun delivers it; a second rerun sends nothing new
		if code, out := p.run("claim", "submit", "--db", dsn, "--org", fmt.Sprint(orgA)); code != 0 {
			t.Fatalf("claim submit again: %d %s", code, out)
		}
	}
	files, _ := filepath.Glob(filepath.Join(out, "837P-*.x12"))
	if len(files) != 1 {
		t.Fatalf("outbound holds %v; want the one batch", files)
	}
	if n := count(`SELECT COUNT(*) FROM submission WHERE org_id = ?`); n != 1 {
		t.Errorf("%d submissions after the reruns; want 1", n)
	}
	if n := count(`SELECT COUNT(*) FROM submission_claim WHERE org_id = ?`); n != 3 {
		t.Errorf("%d claims in submissions; want the 3 ready claims once each", n)
	}
	if code, out := p.run("ledger", "check", "--db", dsn); code != 0 {
		t.Errorf("ledger check: %d\n%s", code, out)
	}
	if code, out := p.run("audit", "verify", "--db", dsn); code != 0 || !strings.Contains(out, "every chain verifies") {
		t.Errorf("audit verify: %d\n%s", code, out)
	}
	t.Logf("two servers, three workers, two SIGKILLs and the checks in %s", time.Since(began).Round(time.Second))
}

// readyClaims stores n more claims of the seeded patient, scrubbed clean
// and ready to submit.
func readyClaims(t *testing.T, ctx context.Context, db *sqldb.DB, n int) {
	t.Helper()
	var patient, practice, provider, payer, coverage int64
	if err := db.QueryRowContext(ctx, `SELECT c.patient_id, e.practice_id, e.rendering_provider_id, c.payer_id, c.coverage_id
		FROM claim c JOIN encounter e ON e.org_id = c.org_id AND e.id = c.encounter_id ORDER BY c.id LIMIT 1`).
		Scan(&patient, &practice, &provider, &payer, &coverage); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		dos := rcm.MustParseDate("2026-01-05").AddDays(i)
		enc := &rcm.Encounter{PatientID: patient, PracticeID: practice, RenderingProviderID: provider, DateOfService: dos, PlaceOfService: "11",
			Status: rcm.EncounterCoded, Diagnoses: []rcm.Diagnosis{{Code: "I10"}},
			Lines: []rcm.ServiceLine{{Code: "99213", Units: 1, Charge: rcm.MustParseMoney("100"), Pointers: []int{1}}}}
		if err := db.CreateEncounter(ctx, enc); err != nil {
			t.Fatal(err)
		}
		ids, err := db.FindServiceLineIDs(ctx, enc.ID)
		if err != nil {
			t.Fatal(err)
		}
		c := &rcm.Claim{EncounterID: enc.ID, PatientID: patient, PayerID: payer, CoverageID: coverage, ControlNumber: fmt.Sprintf("A1001-%d-1", 10+i),
			Frequency: "1", DateOfService: dos, PlaceOfService: "11", Diagnoses: enc.Diagnoses,
			Lines: []rcm.ClaimLine{{ServiceLineID: ids[0], ServiceLine: enc.Lines[0]}}}
		if err := db.CreateClaim(ctx, c); err != nil {
			t.Fatal(err)
		}
		if state, err := db.RecordScrub(ctx, c.ID, nil); err != nil || state != rcm.ClaimReady {
			t.Fatalf("scrub: %s, %v; want the claim ready", state, err)
		}
	}
}
