package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// startCommand runs an rcm command that serves until its context ends,
// waits until its log matches ready, and returns the first submatch of
// ready. The command is stopped, and must exit 0, when the test ends.
func startCommand(t *testing.T, vars map[string]string, ready *regexp.Regexp, args ...string) (string, *lockedBuffer) {
	t.Helper()
	env, out := testEnv(vars)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- Run(ctx, env, args) }()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("rcm %s = %d, want 0\n%s", args[0], code, out.String())
			}
		case <-time.After(30 * time.Second):
			t.Errorf("rcm %s did not stop", args[0])
		}
	})
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if m := ready.FindStringSubmatch(out.String()); m != nil {
			if len(m) > 1 {
				return m[1], out
			}
			return "", out
		}
		select {
		case code := <-done:
			t.Fatalf("rcm %s exited %d before it was ready:\n%s", args[0], code, out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("rcm %s was not ready:\n%s", args[0], out.String())
		}
	}
}

var servingAddr = regexp.MustCompile(`msg=serving addr=(127\.0\.0\.1:\d+)`)

func get(t *testing.T, url string, header ...string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// rcm serve answers /readyz and, to this machine only, /metrics, with the
// requests it answered counted by route pattern.
func TestServeMetricsAndReady(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "m.db")
	addr, _ := startCommand(t, nil, servingAddr, "serve", "--db", dsn, "--addr", "127.0.0.1:0")
	base := "http://" + addr
	if code, body := get(t, base+"/readyz"); code != 200 || !strings.Contains(body, `"ready"`) {
		t.Errorf("readyz: %d %s", code, body)
	}
	if code, _ := get(t, base+"/api/v1/patients/42"); code != http.StatusUnauthorized {
		t.Errorf("unauthenticated patient read: %d, want 401", code)
	}
	code, body := get(t, base+"/metrics")
	if code != 200 {
		t.Fatalf("metrics: %d", code)
	}
	for _, want := range []string{
		`rcm_http_requests_total{code="401",method="GET",route="GET /api/v1/patients/{id}"} 1`,
		"# TYPE rcm_http_request_duration_seconds histogram",
		"rcm_claim_payments_posted 0",
		"rcm_claims_submitted 0",
		`go_sql_max_open_connections{db_name="rcm"}`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if strings.Contains(body, "/api/v1/patients/42") {
		t.Error("a path with an id became a label")
	}
	// Through a proxy, the metrics are not for the asker.
	if code, _ := get(t, base+"/metrics", "X-Forwarded-For", "203.0.113.9"); code != http.StatusNotFound {
		t.Errorf("metrics through a proxy: %d, want 404", code)
	}
}

// On one PostgreSQL, two servers and two workers: both servers ready, and
// each organization's scheduled poll enqueued and run once in its period
// however many workers and ticks there are.
func TestManyProcessesOnePostgres(t *testing.T) {
	dsn := sqldbtest.PostgresDSN(t)
	db, err := sqldb.Open(context.Background(), dsn, sqldb.WithKeyring(sqldbtest.Keyring()))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, a := sqldbtest.Org(t, db, "Org A")
	_, b := sqldbtest.Org(t, db, "Org B")
	vars := map[string]string{"RCM_KEY": sqldbtest.KeyringLine()}
	var bases []string
	for range 2 {
		addr, _ := startCommand(t, vars, servingAddr, "serve", "--db", dsn, "--addr", "127.0.0.1:0")
		bases = append(bases, "http://"+addr)
	}
	for range 2 {
		startCommand(t, vars, regexp.MustCompile(`msg="worker started"`), "worker", "--db", dsn, "--tick", "1s")
	}
	for _, base := range bases {
		if code, body := get(t, base+"/readyz"); code != 200 {
			t.Errorf("%s/readyz: %d %s", base, code, body)
		}
	}
	count := func() map[string]int {
		rows, err := db.SQL().QueryContext(context.Background(),
			`SELECT args->>'org_id', state FROM river_job WHERE kind = 'clearinghouse_poll'`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		got := map[string]int{}
		for rows.Next() {
			var org, state sql.NullString
			if err := rows.Scan(&org, &state); err != nil {
				t.Fatal(err)
			}
			got[org.String+" "+state.String]++
		}
		return got
	}
	want := map[string]int{fmt.Sprint(a.ID) + " completed": 1, fmt.Sprint(b.ID) + " completed": 1}
	deadline := time.Now().Add(30 * time.Second)
	for got := count(); len(got) < 2 || got[fmt.Sprint(a.ID)+" completed"]+got[fmt.Sprint(b.ID)+" completed"] < 2; got = count() {
		if time.Now().After(deadline) {
			t.Fatalf("scheduled polls: %v, want %v", got, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Three more ticks, by whichever worker leads: still once each.
	time.Sleep(3 * time.Second)
	if got := count(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("scheduled polls: %v, want %v", got, want)
	}
}

// An admin sets and turns off a schedule from the command line, and lists,
// cancels and retries the jobs it queued; bad values change nothing.
func TestJobsCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "jobs.db")
	db, err := sqldb.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	sqldbtest.Org(t, db, "Org Jobs")
	db.Close()
	steps := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"schedules"}, 0, "clearinghouse_poll    every 15m0s (default)"},
		{[]string{"schedules"}, 0, "claim_status_inquiry  every 24h0m0s (default)"},
		{[]string{"schedules"}, 0, "followup_reminders    every 1h0m0s (default)"},
		{[]string{"schedules"}, 0, "eligibility_checks    every 24h0m0s (default)"},
		{[]string{"schedules"}, 0, "statement_run         every 24h0m0s (default)"},
		{[]string{"schedule", "--kind", "clearinghouse_poll", "--every", "30s"}, 1, "at most once a minute"},
		{[]string{"schedule", "--kind", "nope", "--every", "1h"}, 1, `No scheduled job is called "nope"`},
		{[]string{"schedule", "--kind", "clearinghouse_poll"}, 2, "one of --every and --off"},
		{[]string{"list"}, 0, "No jobs."},
		{[]string{"schedule", "--kind", "clearinghouse_poll", "--every", "1h"}, 0, "runs every 1h0m0s; job 1 queued to run now"},
		{[]string{"schedules"}, 0, "clearinghouse_poll    every 1h0m0s"},
		{[]string{"list"}, 0, "available"},
		{[]string{"cancel", "1"}, 0, "job 1 (Clearinghouse poll: read and apply 999, 277CA, 835 and 271 files) is now cancelled"},
		{[]string{"retry", "1"}, 0, "is now available"},
		{[]string{"cancel", "99"}, 1, "No job 99."},
		{[]string{"run", "clearinghouse_poll"}, 0, "job 2 (clearinghouse_poll) queued"},
		{[]string{"schedule", "--kind", "clearinghouse_poll", "--off"}, 0, "clearinghouse_poll is off"},
		{[]string{"schedules"}, 0, "clearinghouse_poll    off"},
	}
	for _, s := range steps {
		code, out, errOut := rcmRun(t, "", append([]string{"jobs", s.args[0], "--db", path}, s.args[1:]...)...)
		if code != s.code || !strings.Contains(out+errOut, s.want) {
			t.Errorf("rcm jobs %v = %d %q %q; want %d and %q", s.args, code, out, errOut, s.code, s.want)
		}
	}
}

// A code-set release imported through one process is searched on two
// running servers within seconds, without a restart.
func TestCatalogImportSeenByOtherInstances(t *testing.T) {
	dsn := sqldbtest.PostgresDSN(t)
	db, err := sqldb.Open(context.Background(), dsn, sqldb.WithKeyring(sqldbtest.Keyring()))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, _ := sqldbtest.Org(t, db, "Org Codes")
	a, _ := rcm.ActorFromContext(ctx)
	_, secret, err := db.CreateAPIToken(ctx, a.UserID, "reload test", 0)
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"RCM_KEY": sqldbtest.KeyringLine()}
	var bases []string
	for range 2 {
		addr, _ := startCommand(t, vars, servingAddr, "serve", "--db", dsn, "--addr", "127.0.0.1:0")
		bases = append(bases, "http://"+addr)
	}
	search := func(base string) string {
		_, body := get(t, base+"/api/v1/codes/search?q=reloadprobe", "Authorization", "Bearer "+secret)
		return body
	}
	for _, base := range bases {
		if body := search(base); strings.Contains(body, "R69") {
			t.Fatalf("found before the import: %s", body)
		}
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "icd10cm_order_2025.txt")
	line := fmt.Sprintf("%05d %-7s %d %-60s %s\n", 1, "R69", 1, "Illness, unspecified reloadprobe", "Illness, unspecified reloadprobe")
	if err := os.WriteFile(path, []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := rcmRun(t, "", "codes", "import", "--db", dsn, path); code != 0 {
		t.Fatalf("import: %d %s %s", code, out, errOut)
	}
	for _, base := range bases {
		deadline := time.Now().Add(15 * time.Second)
		for body := search(base); !strings.Contains(body, `"R69"`); body = search(base) {
			if time.Now().After(deadline) {
				t.Fatalf("%s does not find the imported code: %s", base, body)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}

// A worker killed with SIGKILL in the middle of posting the 835 its
// scheduled poll picked up loses nothing and does nothing twice: the
// ledger is as before, the file waits in the inbound folder, and a
// restarted worker, once River hands the dead worker's job back, posts it
// once and archives it.
func TestWorkerKilledMidPosting(t *testing.T) {
	dbPath, file := eraDB(t)
	ch := t.TempDir()
	if code, out, errOut := rcmRun(t, "", "clearinghouse", "set", "--db", dbPath, "--submitter-id", "LAKESIDE01", "--submitter-name", "Lakeside",
		"--contact", "Billing Office", "--phone", "2175550140", "--receiver-id", "SANDBOXCH", "--receiver-name", "Sandbox", "--transport", "dir:"+ch); code != 0 {
		t.Fatalf("clearinghouse set: %d %s %s", code, out, errOut)
	}
	inbound := filepath.Join(ch, "inbound")
	if err := os.MkdirAll(inbound, 0o755); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	waiting := filepath.Join(inbound, "835-ACME1-0001.x12")
	if err := os.WriteFile(waiting, data, 0o644); err != nil {
		t.Fatal(err)
	}
	_, before, _ := rcmRun(t, "", "ledger", "check", "--db", dbPath)
	mark := filepath.Join(t.TempDir(), "stalled")
	worker := []string{"worker", "--db", dbPath, "--tick", "1s", "--job-timeout", "2s"}
	cmd := child(t, []string{attackStallEnv + "=3", attackMarkEnv + "=" + mark}, worker...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(mark); err == nil {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("the worker ended before posting: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the worker's poll never reached the posting")
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-done
	if code, after, errOut := rcmRun(t, "", "ledger", "check", "--db", dbPath); code != 0 || after != before {
		t.Fatalf("after the kill the ledger check says (exit %d):\n%s%s\nwant as before:\n%s", code, after, errOut, before)
	}
	if _, err := os.Stat(waiting); err != nil {
		t.Fatalf("the 835 left the inbound folder unposted: %v", err)
	}
	// The restarted worker: the dead one's job comes back after 1.5 job
	// timeouts and River's rescuer's next round.
	restarted := child(t, nil, worker...)
	if err := restarted.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		restarted.Process.Signal(syscall.SIGTERM)
		restarted.Wait()
	}()
	for deadline := time.Now().Add(90 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		if _, err := os.Stat(waiting); errors.Is(err, os.ErrNotExist) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the restarted worker never applied the 835")
		}
	}
	if code, out, _ := rcmRun(t, "", "ledger", "check", "--db", dbPath); code != 0 || !strings.Contains(out, "Remittances (1)") {
		t.Errorf("after the restart: exit %d\n%s", code, out)
	}
	if code, out, errOut := rcmRun(t, "", "audit", "verify", "--db", dbPath); code != 0 {
		t.Errorf("audit verify: %d %s %s", code, out, errOut)
	}
}
