// Command testsum reads `go test -json` from standard input and prints one
// line per test (so CI logs name every test that ran, the PostgreSQL ones
// included), the full output of every failing test, and a closing line
// "N passed, N failed, N skipped". It exits 1 when any test or package
// failed, or when no test ran at all.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

type event struct {
	Action     string
	Package    string
	ImportPath string // build-output and build-fail events
	Test       string
	Elapsed    float64
	Output     string
}

func main() {
	os.Exit(summarize(os.Stdin, os.Stdout))
}

func summarize(r io.Reader, w io.Writer) int {
	output := map[string]*strings.Builder{} // package/test -> its output lines
	var passed, failed, skipped, pkgFailed int
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if err := json.Unmarshal(line, &e); err != nil || e.Action == "" {
			// Build errors and other non-JSON lines pass through.
			fmt.Fprintf(w, "%s\n", line)
			continue
		}
		key := e.Package + " " + e.Test
		switch e.Action {
		case "build-output":
			// Compiler errors: print them as they come.
			fmt.Fprint(w, e.Output)
			continue
		case "build-fail":
			pkgFailed++
			fmt.Fprintf(w, "FAIL build %s\n", e.ImportPath)
			continue
		case "output":
			b := output[key]
			if b == nil {
				b = &strings.Builder{}
				output[key] = b
			}
			b.WriteString(e.Output)
		case "pass", "fail", "skip":
			if e.Test == "" {
				if e.Action == "fail" {
					pkgFailed++
					fmt.Fprintf(w, "FAIL package %s\n", e.Package)
					if b := output[key]; b != nil {
						fmt.Fprint(w, b.String())
					}
				}
				delete(output, key)
				continue
			}
			verdict := map[string]string{"pass": "PASS", "fail": "FAIL", "skip": "SKIP"}[e.Action]
			fmt.Fprintf(w, "%s %s %s (%.2fs)\n", verdict, e.Package, e.Test, e.Elapsed)
			switch e.Action {
			case "pass":
				passed++
			case "fail":
				failed++
				if b := output[key]; b != nil {
					fmt.Fprint(w, b.String())
				}
			case "skip":
				skipped++
				if b := output[key]; b != nil {
					for _, l := range strings.Split(strings.TrimSpace(b.String()), "\n") {
						if strings.Contains(l, "_test.go") || strings.Contains(l, "skip") {
							fmt.Fprintf(w, "    %s\n", strings.TrimSpace(l))
						}
					}
				}
			}
			delete(output, key)
		}
	}
	fmt.Fprintf(w, "%d passed, %d failed, %d skipped\n", passed, failed, skipped)
	if failed > 0 || pkgFailed > 0 || passed == 0 {
		return 1
	}
	return 0
}
