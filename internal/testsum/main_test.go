package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestSummarize(t *testing.T) {
	tests := []struct {
		name, in string
		code     int
		want     []string
	}{
		{"all pass", `{"Action":"run","Package":"p","Test":"TestA"}
{"Action":"output","Package":"p","Test":"TestA","Output":"noise\n"}
{"Action":"pass","Package":"p","Test":"TestA","Elapsed":0.5}
{"Action":"skip","Package":"p","Test":"TestB","Elapsed":0}
{"Action":"pass","Package":"p","Elapsed":1}`, 0, []string{"PASS p TestA (0.50s)", "SKIP p TestB", "1 passed, 0 failed, 1 skipped"}},
		{"a failure shows its output", `{"Action":"output","Package":"p","Test":"TestA","Output":"x_test.go:3: boom\n"}
{"Action":"fail","Package":"p","Test":"TestA","Elapsed":0.1}
{"Action":"fail","Package":"p","Elapsed":1}`, 1, []string{"FAIL p TestA", "x_test.go:3: boom", "0 passed, 1 failed, 0 skipped"}},
		{"build failure", "# p\nx.go:1: syntax error\n" + `{"Action":"fail","Package":"p","Elapsed":0}`, 1, []string{"x.go:1: syntax error", "FAIL package p"}},
		{"nothing ran", ``, 1, []string{"0 passed, 0 failed, 0 skipped"}},
		{"build failure as JSON", `{"ImportPath":"p [p.test]","Action":"build-output","Output":"./x.go:3:2: undefined: y\n"}
{"ImportPath":"p [p.test]","Action":"build-fail"}
{"Action":"pass","Package":"q","Test":"TestA"}`, 1, []string{"./x.go:3:2: undefined: y", "FAIL build p [p.test]", "1 passed, 0 failed"}},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		code := summarize(strings.NewReader(tt.in), &out)
		if code != tt.code {
			t.Errorf("%s: exit %d, want %d", tt.name, code, tt.code)
		}
		for _, w := range tt.want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("%s: output lacks %q:\n%s", tt.name, w, out.String())
			}
		}
		if tt.name == "all pass" && strings.Contains(out.String(), "noise") {
			t.Errorf("passing test output printed:\n%s", out.String())
		}
	}
}
