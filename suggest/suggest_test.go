package suggest

import (
	"strings"
	"testing"
)

// TestAnnotate checks the ConText algorithm case by case: triggers, their
// direction and scope, pseudo-triggers and terminators.
func TestAnnotate(t *testing.T) {
	tests := []struct {
		text, target string
		want         Context
	}{
		{"Denies chest pain or dyspnea on exertion", "dyspnea", Negated},
		{"No fever, chills or cough", "cough", Negated},
		{"negative for fracture", "fracture", Negated},
		{"pneumonia was ruled out", "pneumonia", Negated},
		{"rule out community-acquired pneumonia", "pneumonia", Uncertain},
		{"syncope, probable vasovagal", "vasovagal", Uncertain},
		{"syncope, probable vasovagal", "syncope", 0},
		{"family history of colon cancer", "colon", Family},
		{"history of melanoma", "melanoma", Historical},
		{"former smoker, quit 2018, has a nodule", "nodule", 0},
		{"no increase in swelling", "swelling", 0},
		{"no cough but has fever", "fever", 0},
		{"no cough but has fever", "cough", Negated},
		{"acute on chronic systolic heart failure", "systolic", 0},
		{"return if fever develops", "fever", Hypothetical},
	}
	for _, tt := range tests {
		n, err := ReadNote(tt.text)
		if err != nil {
			t.Fatal(err)
		}
		var got Context
		found := false
		for _, w := range annotate(n, words(n, 0, len(n.Text))) {
			if w.w == tt.target {
				got, found = w.ctx, true
			}
		}
		if !found || got != tt.want {
			t.Errorf("%q: %s is %v, want %v", tt.text, tt.target, got, tt.want)
		}
	}
}

func TestAnnotateTail(t *testing.T) {
	n, _ := ReadNote("HTN, well controlled on lisinopril")
	for _, w := range annotate(n, words(n, 0, len(n.Text))) {
		if w.w == "lisinopril" && !w.tail {
			t.Error("lisinopril is not marked as treatment")
		}
		if w.w == "htn" && (w.tail || w.trigger) {
			t.Error("htn is marked")
		}
	}
}

// TestReadNote keeps offsets: markup and control characters become spaces
// of the same length, and an over-limit note is refused.
func TestReadNote(t *testing.T) {
	in := "<p>Assessment:\x00 otitis&nbsp;media</p> BP < 140"
	n, err := ReadNote(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(n.Text) != len(in) {
		t.Fatalf("length %d, want %d", len(n.Text), len(in))
	}
	if strings.ContainsAny(n.Text, "<>\x00&") && !strings.Contains(n.Text, "BP < 140") {
		t.Errorf("markup left: %q", n.Text)
	}
	if i := strings.Index(in, "otitis"); n.Text[i:i+6] != "otitis" {
		t.Errorf("offset moved: %q", n.Text)
	}
	if _, err := ReadNote(strings.Repeat("a", MaxNote+1)); err == nil {
		t.Error("over-limit note accepted")
	}
	for _, s := range []string{"", "\xff\xfe", "Оценка: грипп", "<script>alert(1)</script>"} {
		if _, err := ReadNote(s); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
}

func TestStatements(t *testing.T) {
	n, _ := ReadNote("Assessment: 1. Type 2 diabetes. 2. HTN; UTI due to E. coli")
	var got []string
	for _, s := range statements(n, 12, len(n.Text)) {
		got = append(got, strings.TrimSpace(n.Text[s[0]:s[1]]))
	}
	want := []string{"Type 2 diabetes", "HTN", "UTI due to E. coli"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("statements %q, want %q", got, want)
	}
}

func TestContradicts(t *testing.T) {
	if !contradicts("ketoacidosis without coma", "Type 1 diabetes mellitus with ketoacidosis with coma") {
		t.Error("with coma accepted for without coma")
	}
	if contradicts("ketoacidosis without coma", "Type 1 diabetes mellitus with ketoacidosis without coma") {
		t.Error("without coma refused")
	}
}

func FuzzReadNote(f *testing.F) {
	for _, s := range []string{"", "Assessment: no fever; <b>HTN</b>", "\x00\xff&amp;", "Dx: 1. otitis media, right ear"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ReadNote(s)
		if err != nil {
			return
		}
		if len(n.Text) != len(s) {
			t.Fatalf("length changed")
		}
		for _, st := range statements(n, 0, len(n.Text)) {
			ws := words(n, st[0], st[1])
			annotate(n, ws)
			for _, p := range parts(n, st) {
				if p[0] > p[1] {
					t.Fatalf("bad part %v", p)
				}
			}
		}
		sections(n)
	})
}
