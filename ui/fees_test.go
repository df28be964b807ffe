package ui_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
)

// uploadFile posts a multipart form with one file, as the browser's file
// input does.
func (b *browser) uploadFile(path, field, name string, data []byte) (int, string, *http.Response) {
	b.t.Helper()
	return b.uploadFileWith(path, nil, field, name, data)
}

// uploadFileWith posts a multipart form with other fields and one file.
func (b *browser) uploadFileWith(path string, fields url.Values, field, name string, data []byte) (int, string, *http.Response) {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if err := mw.WriteField("csrf", b.csrf); err != nil {
		b.t.Fatal(err)
	}
	for k, vs := range fields {
		for _, v := range vs {
			if err := mw.WriteField(k, v); err != nil {
				b.t.Fatal(err)
			}
		}
	}
	fw, err := mw.CreateFormFile(field, name)
	if err != nil {
		b.t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, b.f.srv.URL+path, &buf)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp
}

// TestFeeScheduleScreen: an admin uploads the sample fee schedule and sees
// it by code with practice and provider names; a bad file is refused with
// its line and column and changes nothing; a biller sees the schedule but
// no upload form, and may not upload.
func TestFeeScheduleScreen(t *testing.T) {
	f := newFixture(t)
	csv, err := os.ReadFile("../fee/testdata/schedule.csv")
	if err != nil {
		t.Fatal(err)
	}
	// The fixture's practice and provider have other NPIs than the sample
	// file's: name them.
	ps, _ := f.db.FindPractices(f.ctx)
	vs, _ := f.db.FindProviders(f.ctx)
	text := strings.ReplaceAll(strings.ReplaceAll(string(csv), "1234567893", ps[0].NPI), "1245319599", vs[0].NPI)

	biller := f.browser(t)
	biller.login("bill.biller")
	if status, body, _ := biller.get("/fees"); status != http.StatusOK || strings.Contains(body, "Upload a fee schedule") || !strings.Contains(body, "99213") {
		t.Errorf("biller GET /fees: %d", status)
	}
	if status, _, _ := biller.uploadFile("/fees", "file", "fees.csv", []byte(text)); status != http.StatusForbidden {
		t.Errorf("biller uploads: %d", status)
	}
	admin := f.browser(t)
	admin.login(f.admin)
	status, body, _ := admin.uploadFile("/fees", "file", "fees.csv", []byte("code,amount,effective_from\n99214,1.00,2026-01-01\n99214,oops,2026-02-01\n"))
	if status != http.StatusBadRequest || !strings.Contains(body, "Line 3, amount") {
		t.Errorf("bad file: %d", status)
	}
	status, _, resp := admin.uploadFile("/fees", "file", "fees.csv", []byte(text))
	if status != http.StatusSeeOther || resp.Header.Get("Location") != "/fees?imported=6" {
		t.Fatalf("upload: %d %s", status, resp.Header.Get("Location"))
	}
	status, body, _ = admin.get("/fees?code=99214")
	if status != http.StatusOK || !strings.Contains(body, "$1,185.50") || !strings.Contains(body, "$190.00") ||
		!strings.Contains(body, "(NPI "+vs[0].NPI+")") || strings.Contains(body, "$1.00") {
		t.Errorf("GET /fees?code=99214: %d\n%s", status, body)
	}
}
