package routemux

import (
	"net/http"
	"slices"
	"testing"
)

func TestPatterns(t *testing.T) {
	m := New()
	ok := func(http.ResponseWriter, *http.Request) {}
	m.HandleFunc("POST /b/{id}", ok)
	m.Handle("GET /a", http.HandlerFunc(ok))
	if got, want := m.Patterns(), []string{"GET /a", "POST /b/{id}"}; !slices.Equal(got, want) {
		t.Errorf("Patterns() = %v, want %v", got, want)
	}
}
