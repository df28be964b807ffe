// Command pyx12agree measures how often rcm x12 validate and the
// independent validator pyx12 (azoner/pyx12) agree on one-defect mutants of
// the shared X12 sample files. It makes the mutants with the attack
// generator (internal/attack.Mutate) from every 835 and 837 sample that
// pyx12 accepts as it is, runs both validators on each and prints the
// agreement and every disagreement by defect.
//
//	go build -o /tmp/rcm ./cmd/rcm
//	PYX12_DIR=/path/to/pyx12 go run ./scripts/pyx12agree -rcm /tmp/rcm -work /tmp/agree
//
// -rcm names the binary to judge, so an older build gives the "before"
// figure on the same mutants. pyx12's verdicts are cached in the work
// folder (pyx12.tsv): a second run with another binary does not run pyx12
// again.
package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/openrcm/openrcm/internal/attack"
	"github.com/openrcm/openrcm/internal/shareddata"
)

func main() {
	data := flag.String("data", shareddata.Dir(), "shared data folder (holds x12-samples)")
	rcmBin := flag.String("rcm", "", "rcm binary whose x12 validate is judged (required)")
	pyx := flag.String("pyx12", os.Getenv("PYX12_DIR"), "pyx12 checkout (default $PYX12_DIR)")
	work := flag.String("work", filepath.Join(os.TempDir(), "pyx12agree"), "work folder for mutants and verdicts")
	seeds := flag.Int("seeds", 2, "seeds per sample (each places the placed defects elsewhere)")
	flag.Parse()
	if *rcmBin == "" || *pyx == "" || *data == "" {
		fmt.Fprintln(os.Stderr, "usage: pyx12agree -rcm BINARY [-pyx12 DIR] [-data DIR] [-work DIR] [-seeds N]")
		os.Exit(2)
	}
	if err := run(*data, *rcmBin, *pyx, *work, *seeds); err != nil {
		fmt.Fprintln(os.Stderr, "pyx12agree:", err)
		os.Exit(1)
	}
}

type mutant struct {
	name, defect, file string
}

func run(data, rcmBin, pyx, work string, seeds int) error {
	mdir := filepath.Join(work, "mutants")
	bdir := filepath.Join(work, "bases")
	for _, d := range []string{mdir, bdir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	// Bases: every 835 and 837 sample, judged by pyx12 first.
	var bases []string
	root := filepath.Join(data, "x12-samples")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".997") || strings.HasSuffix(p, ".999") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte("ST*835*")) || bytes.Contains(b, []byte("ST*837*")) {
			rel, _ := filepath.Rel(root, p)
			name := strings.NewReplacer("/", "_", ".", "_").Replace(rel)
			out := filepath.Join(bdir, name+".x12")
			if err := os.WriteFile(out, b, 0o644); err != nil {
				return err
			}
			bases = append(bases, out)
		}
		return nil
	})
	if err != nil {
		return err
	}
	pv, err := pyx12Verdicts(pyx, work, bases)
	if err != nil {
		return err
	}
	var mutants []mutant
	seen := map[[32]byte]bool{}
	used := 0
	for _, b := range bases {
		if pv[b] != "valid" {
			continue
		}
		used++
		data, err := os.ReadFile(b)
		if err != nil {
			return err
		}
		base := strings.TrimSuffix(filepath.Base(b), ".x12")
		for seed := 1; seed <= seeds; seed++ {
			ms, err := attack.Mutate(base, data, uint64(seed))
			if err != nil {
				return err
			}
			for _, m := range ms {
				h := sha256.Sum256(m.Data)
				// Duplicate verdicts only matter to posting; a copy of the
				// base is not a defect.
				if seen[h] || m.Verdict == attack.Duplicate {
					continue
				}
				seen[h] = true
				f := filepath.Join(mdir, fmt.Sprintf("%s.%d.x12", m.Name, seed))
				if err := os.WriteFile(f, m.Data, 0o644); err != nil {
					return err
				}
				mutants = append(mutants, mutant{m.Name, m.Defect, f})
			}
		}
	}
	files := make([]string, len(mutants))
	for i, m := range mutants {
		files[i] = m.file
	}
	if pv, err = pyx12Verdicts(pyx, work, files); err != nil {
		return err
	}
	ours, err := rcmVerdicts(rcmBin, files)
	if err != nil {
		return err
	}
	agree := 0
	type miss struct{ defect, ours, pyx12 string }
	misses := map[miss][]string{}
	for _, m := range mutants {
		if ours[m.file] == pv[m.file] {
			agree++
			continue
		}
		k := miss{m.defect, ours[m.file], pv[m.file]}
		misses[k] = append(misses[k], filepath.Base(m.file))
	}
	fmt.Printf("samples: %d 835/837 files, %d accepted by pyx12 and mutated\n", len(bases), used)
	fmt.Printf("agreement: %d of %d mutants (%s)\n", agree, len(mutants), rcmBin)
	keys := make([]miss, 0, len(misses))
	for k := range misses {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return len(misses[keys[i]]) > len(misses[keys[j]]) })
	for _, k := range keys {
		fs := misses[k]
		fmt.Printf("  %-28s rcm %-7s pyx12 %-7s %3d  e.g. %s\n", k.defect, k.ours, k.pyx12, len(fs), fs[0])
	}
	return nil
}

// pyx12Verdicts runs pyx12 on the files not yet in work/pyx12.tsv, all in
// one process, and returns every file's verdict: "valid", "invalid", or
// "invalid" too when pyx12 stops on a file without judging it (it refuses
// what it cannot read).
func pyx12Verdicts(pyx, work string, files []string) (map[string]string, error) {
	cache := filepath.Join(work, "pyx12.tsv")
	out := map[string]string{}
	if f, err := os.Open(cache); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if name, v, ok := strings.Cut(sc.Text(), "\t"); ok {
				out[name] = v
			}
		}
		f.Close()
	}
	var todo []string
	for _, f := range files {
		if _, ok := out[f]; !ok {
			todo = append(todo, f)
		}
	}
	for len(todo) > 0 {
		n := min(len(todo), 200)
		batch := todo[:n]
		todo = todo[n:]
		judged := runPyx12(pyx, batch, out)
		for _, f := range batch {
			os.Remove(f + ".997")
			if judged[f] {
				continue
			}
			// pyx12 stopped before this file: judge it alone, and call a
			// file it cannot get through refused.
			if len(batch) == 1 || !runPyx12(pyx, []string{f}, out)[f] {
				out[f] = "invalid"
			}
			os.Remove(f + ".997")
		}
	}
	var b strings.Builder
	for f, v := range out {
		fmt.Fprintf(&b, "%s\t%s\n", f, v)
	}
	if err := os.WriteFile(cache, []byte(b.String()), 0o644); err != nil {
		return nil, err
	}
	return out, nil
}

// rcmVerdicts runs rcm x12 validate --json on the files, as a biller runs
// it (situational rules on), and returns each file's verdict.
func rcmVerdicts(bin string, files []string) (map[string]string, error) {
	out := map[string]string{}
	for len(files) > 0 {
		n := min(len(files), 200)
		cmd := exec.Command(bin, append([]string{"x12", "validate", "--json"}, files[:n]...)...)
		var stdout bytes.Buffer
		cmd.Stdout = &stdout
		if err := cmd.Run(); err != nil {
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 1 {
				return nil, fmt.Errorf("%s: %w", bin, err)
			}
		}
		var reps []struct {
			File  string `json:"file"`
			Valid bool   `json:"valid"`
		}
		if err := json.Unmarshal(stdout.Bytes(), &reps); err != nil {
			return nil, fmt.Errorf("%s --json: %w", bin, err)
		}
		for _, r := range reps {
			out[r.File] = map[bool]string{true: "valid", false: "invalid"}[r.Valid]
		}
		files = files[n:]
	}
	return out, nil
}

// runPyx12 runs pyx12 once on files, records the verdicts it printed and
// reports which files it judged.
func runPyx12(pyx string, files []string, out map[string]string) map[string]bool {
	cmd := exec.Command("python3", append([]string{"-m", "pyx12.scripts.x12valid", "-q"}, files...)...)
	cmd.Env = append(os.Environ(), "PYTHONPATH="+pyx)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	_ = cmd.Run() // a crash leaves files unjudged, which the caller handles
	judged := map[string]bool{}
	for _, line := range strings.Split(stderr.String(), "\n") {
		if f, ok := strings.CutSuffix(line, ": OK"); ok {
			out[f], judged[f] = "valid", true
		} else if f, ok := strings.CutSuffix(line, ": Failure"); ok {
			out[f], judged[f] = "invalid", true
		}
	}
	return judged
}
