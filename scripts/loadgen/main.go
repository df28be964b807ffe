// Command loadgen sends GET requests at a fixed rate, open loop, and
// reports latency percentiles. Open loop means each request starts on its
// schedule whether or not the earlier ones have answered, so a slow server
// shows as latency instead of quietly lowering the rate (what a closed-loop
// tool such as wrk measures). Latency is taken from the scheduled start.
//
//	loadgen -rate 1000 -duration 30s -token rcm_... -queries q.txt URL
//
// Each request is URL plus "?q=" and the next query of the file, in turn.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

func main() {
	rate := flag.Int("rate", 1000, "requests per second")
	dur := flag.Duration("duration", 30*time.Second, "how long to send")
	warm := flag.Duration("warmup", 3*time.Second, "how long to send first without measuring")
	token := flag.String("token", "", "bearer token")
	queries := flag.String("queries", "", "file of queries, one a line")
	flag.Parse()
	if flag.NArg() != 1 || *queries == "" {
		fmt.Fprintln(os.Stderr, "usage: loadgen [-rate N] [-duration D] [-token T] -queries FILE URL")
		os.Exit(2)
	}
	qs, err := readQueries(*queries)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 512}, Timeout: 10 * time.Second}
	get := func(i int) bool {
		req, _ := http.NewRequest("GET", flag.Arg(0)+"?q="+url.QueryEscape(qs[i%len(qs)]), nil)
		req.Header.Set("Authorization", "Bearer "+*token)
		resp, err := client.Do(req)
		if err != nil {
			return false
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}
	run := func(d time.Duration) ([]time.Duration, int, time.Duration) {
		n := int(d.Seconds() * float64(*rate))
		lat := make([]time.Duration, n)
		ok := make([]bool, n)
		interval := time.Second / time.Duration(*rate)
		var wg sync.WaitGroup
		start := time.Now()
		for i := range n {
			at := start.Add(time.Duration(i) * interval)
			time.Sleep(time.Until(at))
			wg.Go(func() {
				good := get(i)
				lat[i], ok[i] = time.Since(at), good
			})
		}
		wg.Wait()
		bad := 0
		for _, g := range ok {
			if !g {
				bad++
			}
		}
		return lat, bad, time.Since(start)
	}
	run(*warm)
	lat, bad, took := run(*dur)
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(float64(len(lat)-1)*p)].Microseconds()) / 1000 }
	fmt.Printf("requests %d in %.1fs (%.0f/s offered %d/s), errors %d\n", len(lat), took.Seconds(), float64(len(lat))/took.Seconds(), *rate, bad)
	fmt.Printf("latency ms: p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f\n", pct(0.50), pct(0.90), pct(0.99), pct(0.999), pct(1))
}

func readQueries(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var qs []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if q := strings.TrimSpace(sc.Text()); q != "" && !strings.HasPrefix(q, "#") {
			qs = append(qs, q)
		}
	}
	if len(qs) == 0 {
		return nil, fmt.Errorf("%s: no queries", path)
	}
	return qs, sc.Err()
}
