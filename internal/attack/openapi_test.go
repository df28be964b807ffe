package attack_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/openrcm/openrcm"
)

// TestOpenAPICoversEveryRoute walks the API's router, with every optional
// route group rcm serve adds, and fails for each route the OpenAPI
// document does not describe. The server here is the attack suite's, so a
// route added to it (as every new route must be) is checked too.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	e := newEnv(t, openSQLite(t))
	doc := loadOpenAPI(t, e)
	n := 0
	for _, r := range routes(e.api.Routes()) {
		n++
		item := doc.Paths.Value(r.path)
		if item == nil || item.GetOperation(r.method) == nil {
			t.Errorf("%s is served but missing from /api/v1/openapi.json: describe it with Server.Describe beside its registration (see web/openapi_routes.go)", r)
		}
	}
	// And no path is described that is not served: a stale entry misleads
	// every generated client.
	served := map[string]bool{}
	for _, r := range routes(e.api.Routes()) {
		served[r.String()] = true
	}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			if !served[method+" "+path] {
				t.Errorf("%s %s is in the OpenAPI document but no route serves it", method, path)
			}
		}
	}
	if n < 25 {
		t.Errorf("only %d routes walked", n)
	}
}

// TestOpenAPIResponsesValidate asks every GET route of the API, as
// organization A's admin, over a database holding a claim paid by a
// posted 835, and validates each request and answer against the document
// with kin-openapi: a field the handlers send but the document lacks (or
// the reverse) fails here.
func TestOpenAPIResponsesValidate(t *testing.T) {
	e := newEnv(t, openSQLite(t))
	doc := loadOpenAPI(t, e)
	ctx := context.Background()
	// An appeal, so the claim's appeal letter (a PDF) is there to check.
	if res := e.apiCall(t, http.MethodPost, "/api/v1/claims/"+strconv.FormatInt(e.a.ids["claim"], 10)+"/appeals", e.a.token[rcm.RoleAdmin],
		`{"item_id":0,"level":"first","reason":"Timely filing met","argument":"The claim was filed on time.","documents":["Clearinghouse acceptance report"],`+
			`"payer_address":["PO Box 1","Springfield, IL 62701"],"sent_on":"2026-02-10","answer_by":"2026-04-10"}`); res.status != http.StatusCreated {
		t.Fatalf("POST appeal: %d %.300s", res.status, res.body)
	}
	checked := 0
	for _, r := range routes(e.api.Routes()) {
		if r.method != http.MethodGet {
			continue
		}
		path, ok := fill(r, e.a)
		if !ok {
			t.Errorf("%s: no object kind known for its id", r)
			continue
		}
		switch r.path {
		case "/api/v1/codes/search":
			path += "?q=hypertension&dos=2026-01-15"
		case "/api/v1/codes/validate":
			path += "?code=I10,99213&dos=2026-01-15"
		}
		item := doc.Paths.Value(r.path)
		if item == nil || item.GetOperation(r.method) == nil {
			continue // TestOpenAPICoversEveryRoute names it
		}
		res := e.apiCall(t, r.method, path, e.a.token[rcm.RoleAdmin], "")
		// The fixture has sent no 270, so the latest 271 is not found: the
		// error answer is validated instead.
		if res.status != http.StatusOK && !(r.path == "/api/v1/coverages/{id}/eligibility" && res.status == http.StatusNotFound) {
			t.Errorf("%s: %d %.300s", path, res.status, res.body)
			continue
		}
		u, _ := url.Parse(e.srv.URL + path)
		req := &http.Request{Method: r.method, URL: u, Header: http.Header{"Authorization": {"Bearer x"}}}
		params := map[string]string{}
		ps, fs := strings.Split(r.path, "/"), strings.Split(strings.SplitN(path, "?", 2)[0], "/")
		for i, s := range ps {
			if strings.HasPrefix(s, "{") {
				params[strings.Trim(s, "{}")] = fs[i]
			}
		}
		in := &openapi3filter.RequestValidationInput{
			Request: req, PathParams: params,
			Route:   &routers.Route{Spec: doc, Path: r.path, PathItem: item, Method: r.method, Operation: item.GetOperation(r.method)},
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true, MultiError: true},
		}
		if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
			t.Errorf("%s: the request does not fit the document: %v", path, err)
		}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.status, Header: res.header,
			Body: io.NopCloser(strings.NewReader(res.body)), Options: in.Options}
		if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
			t.Errorf("%s: the answer does not fit the document: %v\n%.400s", path, err, res.body)
		}
		checked++
	}
	// An error answer has the documented shape too.
	res := e.apiCall(t, http.MethodGet, "/api/v1/patients/999999", e.a.token[rcm.RoleAdmin], "")
	item := doc.Paths.Value("/api/v1/patients/{id}")
	u, _ := url.Parse(e.srv.URL + "/api/v1/patients/999999")
	in := &openapi3filter.RequestValidationInput{Request: &http.Request{Method: "GET", URL: u}, PathParams: map[string]string{"id": "999999"},
		Route: &routers.Route{Spec: doc, Path: "/api/v1/patients/{id}", PathItem: item, Method: "GET", Operation: item.Get}}
	if err := openapi3filter.ValidateResponse(ctx, &openapi3filter.ResponseValidationInput{RequestValidationInput: in,
		Status: res.status, Header: res.header, Body: io.NopCloser(strings.NewReader(res.body))}); err != nil || res.status != http.StatusNotFound {
		t.Errorf("404 answer %d does not fit the document: %v", res.status, err)
	}
	t.Logf("%d GET routes validated", checked)
	if checked < 20 {
		t.Errorf("only %d routes validated", checked)
	}
}

// loadOpenAPI fetches the served document with a token and checks it is a
// valid OpenAPI 3.1 document.
func loadOpenAPI(t *testing.T, e *env) *openapi3.T {
	t.Helper()
	res := e.apiCall(t, http.MethodGet, "/api/v1/openapi.json", e.a.token[rcm.RoleBiller], "")
	if res.status != http.StatusOK {
		t.Fatalf("GET /api/v1/openapi.json: %d %.300s", res.status, res.body)
	}
	if anon := e.apiCall(t, http.MethodGet, "/api/v1/openapi.json", "", ""); anon.status != http.StatusUnauthorized {
		t.Errorf("GET /api/v1/openapi.json without a token: %d, want 401", anon.status)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(bytes.Clone([]byte(res.body)))
	if err != nil {
		t.Fatalf("the document does not load: %v", err)
	}
	if !doc.IsOpenAPI31OrLater() {
		t.Errorf("openapi %q, want 3.1", doc.OpenAPI)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("the document is not valid OpenAPI: %v", err)
	}
	return doc
}
