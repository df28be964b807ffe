// Command mixload sends a bounded, open-loop load of mixed reads and writes
// to one or more OpenRCM servers in turn, and reports the latency
// percentiles and the errors. Each request starts on its schedule whether
// or not the earlier ones have answered, so a slow server shows as
// latency, not as a lower rate.
//
//	mixload -rate 200 -duration 30s -token rcm_... http://127.0.0.1:18211 http://127.0.0.1:18212
//
// The mix: 60% patient list reads (each an audited read of 20 patients),
// 25% code searches, 15% patient registrations (an audited write each).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	rate := flag.Int("rate", 200, "requests per second, over all servers")
	dur := flag.Duration("duration", 30*time.Second, "how long to send")
	token := flag.String("token", "", "bearer token of an admin")
	flag.Parse()
	if flag.NArg() == 0 || *token == "" || *rate < 1 {
		fmt.Fprintln(os.Stderr, "usage: mixload [-rate N] [-duration D] -token T URL...")
		os.Exit(2)
	}
	bases := flag.Args()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}, Timeout: 10 * time.Second}
	searches := []string{"hypertension", "diabetes", "office visit", "fracture", "asthma", "chest pain"}
	var seq atomic.Int64
	var mu sync.Mutex
	statuses := map[string]int{}
	count := func(kind, what string) {
		mu.Lock()
		statuses[kind+" "+what]++
		mu.Unlock()
	}
	do := func(i int) (string, bool) {
		base := bases[i%len(bases)]
		var req *http.Request
		kind := "read"
		switch n := i % 20; {
		case n < 12:
			req, _ = http.NewRequest("GET", base+"/api/v1/patients?limit=20", nil)
		case n < 17:
			kind = "search"
			req, _ = http.NewRequest("GET", base+"/api/v1/codes/search?q="+url.QueryEscape(searches[i%len(searches)]), nil)
		default:
			kind = "write"
			k := seq.Add(1)
			body := fmt.Sprintf(`{"account_number":"LOAD%d-%d","first_name":"Load","last_name":"Test%d","birth_date":"1980-01-01","sex":"F",`+
				`"address":{"line1":"1 Main St","city":"Springfield","state":"IL","zip":"62701"}}`, time.Now().UnixNano()%1e9, k, k)
			req, _ = http.NewRequest("POST", base+"/api/v1/patients", bytes.NewReader([]byte(body)))
			req.Header.Set("Content-Type", "application/json")
		}
		req.Header.Set("Authorization", "Bearer "+*token)
		resp, err := client.Do(req)
		if err != nil {
			count(kind, "transport error")
			return kind, false
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 300 {
			count(kind, fmt.Sprintf("%d %.120s", resp.StatusCode, b))
		}
		return kind, resp.StatusCode < 300
	}
	n := int(dur.Seconds() * float64(*rate))
	lat := make([]time.Duration, n)
	kinds := make([]string, n)
	var failed atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	step := time.Second / time.Duration(*rate)
	for i := range n {
		at := start.Add(time.Duration(i) * step)
		time.Sleep(time.Until(at))
		wg.Add(1)
		go func() {
			defer wg.Done()
			kind, ok := do(i)
			lat[i], kinds[i] = time.Since(at), kind
			if !ok {
				failed.Add(1)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	fmt.Printf("%d requests to %d servers in %s (%.0f/s), errors %d\n", n, len(bases), elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds(), failed.Load())
	for _, k := range []string{"all", "read", "search", "write"} {
		var d []time.Duration
		for i := range n {
			if k == "all" || kinds[i] == k {
				d = append(d, lat[i])
			}
		}
		if len(d) == 0 {
			continue
		}
		slices.Sort(d)
		p := func(q float64) time.Duration { return d[int(q*float64(len(d)-1))].Round(10 * time.Microsecond) }
		fmt.Printf("%-7s n=%-6d p50 %-10s p99 %-10s max %s\n", k, len(d), p(0.50), p(0.99), d[len(d)-1].Round(10*time.Microsecond))
	}
	if failed.Load() > 0 {
		for k, v := range statuses {
			fmt.Printf("error x%d: %s\n", v, k)
		}
		os.Exit(1)
	}
}
