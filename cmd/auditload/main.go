// Command auditload posts patient payments (each an audited ledger write)
// as fast as it can from one process, for the benchmark of whether a
// second process adds throughput (scripts/bench-audit-writers.sh runs one
// and then two of it at once on one PostgreSQL).
//
//	auditload -db postgres://... -proc 0 -procs 2 -conc 4 -start UNIXNANO -duration 10s
//
// The organization is the demo's (rcm demo); its patients with a charged
// service are shared out so no two writers, in any process, pay for the
// same patient: the writers are unrelated work, as two front desks are.
// Each payment is $1.00 and lands as the patient's payment or credit.
// The key file is RCM_KEY_FILE's. It prints one line: "payments N errors E seconds S".
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/seal"
	"github.com/openrcm/openrcm/sqldb"
)

func main() {
	dsn := flag.String("db", "", "postgres:// URL of a database the demo filled")
	proc := flag.Int("proc", 0, "this process's number, from 0")
	procs := flag.Int("procs", 1, "how many processes run at once")
	conc := flag.Int("conc", 4, "writers in this process, each on its own connection")
	start := flag.Int64("start", 0, "start at this instant (Unix nanoseconds), so processes start together")
	dur := flag.Duration("duration", 10*time.Second, "how long to post")
	flag.Parse()
	if *dsn == "" || *proc < 0 || *proc >= *procs || *conc < 1 {
		fmt.Fprintln(os.Stderr, "usage: auditload -db URL [-proc I -procs N] [-conc C] [-start T] [-duration D]")
		os.Exit(2)
	}
	if err := run(*dsn, *proc, *procs, *conc, *start, *dur); err != nil {
		fmt.Fprintln(os.Stderr, "auditload:", err)
		os.Exit(1)
	}
}

func run(dsn string, proc, procs, conc int, start int64, dur time.Duration) error {
	ctx := context.Background()
	keys, err := seal.LoadFile(os.Getenv("RCM_KEY_FILE"))
	if err != nil {
		return fmt.Errorf("RCM_KEY_FILE: %w", err)
	}
	db, err := sqldb.Open(ctx, dsn, sqldb.WithKeyring(keys))
	if err != nil {
		return err
	}
	defer db.Close()
	var org, user int64
	if err := db.QueryRowContext(ctx, `SELECT org_id, id FROM app_user WHERE username = 'demo.admin'`).Scan(&org, &user); err != nil {
		return fmt.Errorf("the demo's admin: %w", err)
	}
	actx := rcm.NewContextWithActor(ctx, rcm.Actor{UserID: user, OrgID: org, Role: rcm.RoleAdmin, Reason: "load test"})
	rows, err := db.QueryContext(ctx, `SELECT id FROM patient WHERE org_id = ? ORDER BY id`, org)
	if err != nil {
		return err
	}
	var all []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		all = append(all, id)
	}
	rows.Close()
	// Writer w of this process pays for every patient whose index is
	// w (of all writers of all processes) modulo the writers.
	writers := procs * conc
	mine := make([][]int64, conc)
	for i, id := range all {
		if w := i % writers; w/conc == proc {
			mine[w%conc] = append(mine[w%conc], id)
		}
	}
	run := fmt.Sprintf("%d-%d", time.Now().UnixNano(), proc)
	var seq atomic.Int64
	pay := func(patient int64) error {
		_, err := db.PostPatientPayment(actx, rcm.PatientPayment{PatientID: patient, Amount: 100, Method: "cash",
			Key: fmt.Sprintf("load-%s-%d", run, seq.Add(1))})
		return err
	}
	// Keep the patients a payment can land on (a charged service).
	for w := range mine {
		var ok []int64
		for _, id := range mine[w] {
			if pay(id) == nil {
				ok = append(ok, id)
			}
		}
		if len(ok) == 0 {
			return fmt.Errorf("writer %d of process %d has no patient with a charged service (%d patients in all)", w, proc, len(all))
		}
		mine[w] = ok
	}
	if d := time.Until(time.Unix(0, start)); d > 0 {
		time.Sleep(d)
	}
	deadline := time.Now().Add(dur)
	var done, failed atomic.Int64
	var wg sync.WaitGroup
	began := time.Now()
	for w := range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(deadline); i++ {
				if err := pay(mine[w][i%len(mine[w])]); err != nil {
					if failed.Add(1) == 1 {
						fmt.Fprintln(os.Stderr, "auditload: first error:", err)
					}
					continue
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	fmt.Printf("payments %d errors %d seconds %.2f\n", done.Load(), failed.Load(), time.Since(began).Seconds())
	return nil
}
