package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/codeset"
)

// RouteCodes adds the code-set routes, answered from an in-memory catalog
// built at start-up:
//
//	GET /api/v1/codes/search?q=&system=&dos=&limit=
//	GET /api/v1/codes/validate?code=E11.9,I10&dos=&age=&sex=&system=
//
// The caller's organization picks its licensed CPT release, if any.
func (s *Server) RouteCodes(cat *codeset.Catalog) {
	s.RouteCodesFrom(func() *codeset.Catalog { return cat })
}

// RouteCodesFrom is RouteCodes with the catalogue read at each request, so
// a server can swap in a newly imported release without a restart.
func (s *Server) RouteCodesFrom(catalog func() *codeset.Catalog) {
	s.mux.Handle("GET /api/v1/codes/search", s.api(codesSearch(catalog)))
	s.mux.Handle("GET /api/v1/codes/validate", s.api(codesValidate(catalog)))
	s.mux.Handle("POST /api/v1/codes/suggest", s.api(s.codesSuggest(catalog)))
	s.describeCodes()
}

// maxCodeQuery bounds a search query; no index path is longer.
const maxCodeQuery = 200

func codesSearch(catalog func() *codeset.Catalog) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		cat := catalog()
		a, err := rcm.RequireActor(r.Context(), "")
		if err != nil {
			return err
		}
		q, err := parseQuery(r, "q", "system", "dos", "limit")
		if err != nil {
			return err
		}
		text, err := q.str("q", maxCodeQuery)
		if err != nil {
			return err
		}
		if strings.TrimSpace(text) == "" {
			return rcm.FieldErrorf(rcm.EINVALID, "q", "Give a search query (q).")
		}
		systems, err := querySystems(q)
		if err != nil {
			return err
		}
		dos, err := queryDate(q, "dos")
		if err != nil {
			return err
		}
		limit, err := q.int("limit", 20, 1, 100)
		if err != nil {
			return err
		}
		hits := cat.Search(codeset.Query{Text: text, Systems: systems, DOS: dos, Limit: limit, Org: strconv.FormatInt(a.OrgID, 10)})
		if hits == nil {
			hits = []codeset.Hit{}
		}
		writeJSON(w, http.StatusOK, map[string]any{"hits": hits})
		return nil
	}
}

func codesValidate(catalog func() *codeset.Catalog) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		cat := catalog()
		a, err := rcm.RequireActor(r.Context(), "")
		if err != nil {
			return err
		}
		q, err := parseQuery(r, "code", "dos", "age", "sex", "system")
		if err != nil {
			return err
		}
		list, err := q.str("code", 12*10)
		if err != nil {
			return err
		}
		var codes []string
		for _, c := range strings.Split(list, ",") {
			if c = strings.TrimSpace(c); c != "" {
				codes = append(codes, c)
			}
		}
		if len(codes) == 0 {
			return rcm.FieldErrorf(rcm.EINVALID, "code", "Give one or more codes, separated by commas (code).")
		}
		dos, err := queryDate(q, "dos")
		if err != nil {
			return err
		}
		var p codeset.Patient
		if q.v.Has("age") {
			age, err := q.int("age", 0, 0, 130)
			if err != nil {
				return err
			}
			p.Age = &age
		}
		p.Sex = strings.ToUpper(q.v.Get("sex"))
		var sys codeset.System
		if s := q.v.Get("system"); s != "" {
			if sys, err = codeset.ParseSystem(s); err != nil {
				return rcm.FieldErrorf(rcm.EINVALID, "system", "%s", err.(*rcm.Error).Message)
			}
		}
		v, err := cat.Validate(codes, sys, strconv.FormatInt(a.OrgID, 10), dos, p)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, v)
		return nil
	}
}

func querySystems(q query) ([]codeset.System, error) {
	s := q.v.Get("system")
	if s == "" {
		return nil, nil
	}
	var out []codeset.System
	for _, part := range strings.Split(s, ",") {
		sys, err := codeset.ParseSystem(part)
		if err != nil {
			return nil, rcm.FieldErrorf(rcm.EINVALID, "system", "%s", err.(*rcm.Error).Message)
		}
		out = append(out, sys)
	}
	return out, nil
}

func queryDate(q query, name string) (rcm.Date, error) {
	s := q.v.Get(name)
	if s == "" {
		return rcm.Date{}, nil
	}
	d, err := rcm.ParseDate(s)
	if err != nil {
		return rcm.Date{}, rcm.FieldErrorf(rcm.EINVALID, name, "Query parameter %s must be a date, YYYY-MM-DD.", name)
	}
	return d, nil
}
