package web

import (
	"encoding"
	"encoding/json"
	"maps"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/openrcm/openrcm"
)

// The API's OpenAPI 3.1 document is built from the table below and the Go
// types the handlers really encode, so a field added to rcm.Patient shows
// in the document without anyone remembering to write it there.
// TestOpenAPICoversEveryRoute fails when a registered route has no entry,
// and TestOpenAPIResponsesValidate checks real answers against it.

// Operation describes one route of the API for the OpenAPI document. Body
// and Response are values of the Go types the handler decodes and
// encodes; the schemas are derived from them by reflection.
type Operation struct {
	Tag     string
	Summary string
	// Query names the query parameters the route accepts.
	Query []string
	// Body is the JSON request body (a zero value of its type); nil for
	// none. BodyMedia, when set, is a non-JSON body (an X12 file).
	Body      any
	BodyMedia string
	// OptionalBody marks a body that may be left out (an action's options).
	OptionalBody bool
	// Status is the success status; 0 means 200. AlsoStatus is a second
	// success status with the same answer (an action that may create).
	Status     int
	AlsoStatus int
	// Response is the JSON response (a zero value of its type), nil for an
	// empty one. With List set, the response is {List: [Response...]}.
	Response any
	List     string
	// ResponseMedia, when set, is the answer's media type in place of
	// application/json: Response in that media (a FHIRResource as
	// application/fhir+json), or a file (application/pdf) when Response
	// is nil. AlsoMedia is a file the route answers instead when asked
	// (text/csv for ?format=csv).
	ResponseMedia string
	AlsoMedia     string
	// Public routes need no token.
	Public bool
}

// FHIRResource, as an Operation's Body or Response, is a FHIR R4 resource
// of that type ("Patient"). Its schema names the resourceType only: the
// FHIR specification defines the rest, and the model types marshal
// themselves, so reflection cannot see their fields.
type FHIRResource string

// Describe adds or replaces the description of a route, keyed as it is
// registered ("GET /api/v1/patients/{id}"). Packages that register routes
// on a Server describe them here, beside the registration.
func (s *Server) Describe(route string, op Operation) {
	s.docMu.Lock()
	defer s.docMu.Unlock()
	if s.ops == nil {
		s.ops = map[string]Operation{}
	}
	s.ops[route] = op
	s.doc = nil
}

// OpenAPI returns the OpenAPI 3.1 document of the routes described, as
// JSON.
func (s *Server) OpenAPI() []byte {
	s.docMu.Lock()
	defer s.docMu.Unlock()
	if s.doc == nil {
		b, err := json.MarshalIndent(buildOpenAPI(s.ops), "", "  ")
		if err != nil {
			panic("web: OpenAPI document: " + err.Error()) // only a bug in the table can cause this
		}
		s.doc = b
	}
	return s.doc
}

// handleOpenAPI serves the document. It sits behind a token like the rest
// of the API: it names no patient, but there is no reason to hand an
// anonymous scanner the map of every door, and every client that can use
// the document has a token already.
func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) error {
	if _, err := parseQuery(r); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	_, err := w.Write(s.OpenAPI())
	return err
}

// describeCore describes the routes registered by routes().
func (s *Server) describeCore() {
	crud := func(tag, plural string, v any, writePerm string) {
		base := "/api/v1/" + plural
		s.Describe("POST "+base, Operation{Tag: tag, Summary: "Create a " + tag + " (" + writePerm + ").", Body: v, Status: http.StatusCreated, Response: v})
		s.Describe("GET "+base, Operation{Tag: tag, Summary: "List the organization's " + plural + ".", Response: v, List: plural})
		s.Describe("GET "+base+"/{id}", Operation{Tag: tag, Summary: "Read one " + tag + ".", Response: v})
		s.Describe("PUT "+base+"/{id}", Operation{Tag: tag, Summary: "Replace one " + tag + " (" + writePerm + ").", Body: v, Response: v})
	}
	s.Describe("GET /healthz", Operation{Tag: "server", Summary: "Whether the server and its database answer.", Response: map[string]string{}, Public: true})
	s.Describe("GET /api/v1/openapi.json", Operation{Tag: "server", Summary: "This document.", Response: map[string]any{}})
	s.Describe("GET /api/v1/me", Operation{Tag: "user", Summary: "The signed-in user.", Response: rcm.User{}})
	crud("practice", "practices", rcm.Practice{}, "setup")
	s.Describe("POST /api/v1/facilities", Operation{Tag: "facility", Summary: "Create a facility, where services are rendered, with its kind and taxonomy for institutional claims (setup).",
		Body: rcm.Facility{}, Status: http.StatusCreated, Response: rcm.Facility{}})
	s.Describe("GET /api/v1/facilities", Operation{Tag: "facility", Summary: "List the organization's facilities.", Response: rcm.Facility{}, List: "facilities"})
	crud("provider", "providers", rcm.Provider{}, "setup")
	crud("payer", "payers", rcm.Payer{}, "setup")
	crud("patient", "patients", rcm.Patient{}, "patients")
	crud("encounter", "encounters", rcm.Encounter{}, "coding")
	s.Describe("GET /api/v1/patients", Operation{Tag: "patient", Summary: "Find patients by the start of a name or by a coverage's member ID.",
		Query: []string{"name", "member_id", "limit", "offset"}, Response: rcm.Patient{}, List: "patients"})
	s.Describe("GET /api/v1/encounters", Operation{Tag: "encounter", Summary: "List encounters, newest first.",
		Query: []string{"patient_id", "status", "limit", "offset"}, Response: rcm.Encounter{}, List: "encounters"})
	s.Describe("POST /api/v1/patients/{id}/coverages", Operation{Tag: "coverage", Summary: "Add a coverage to the patient.", Body: rcm.Coverage{}, Status: http.StatusCreated, Response: rcm.Coverage{}})
	s.Describe("GET /api/v1/patients/{id}/coverages", Operation{Tag: "coverage", Summary: "The patient's coverages in order.", Response: rcm.Coverage{}, List: "coverages"})
	s.Describe("GET /api/v1/coverages/{id}", Operation{Tag: "coverage", Summary: "Read one coverage.", Response: rcm.Coverage{}})
	s.Describe("PUT /api/v1/coverages/{id}", Operation{Tag: "coverage", Summary: "Replace one coverage.", Body: rcm.Coverage{}, Response: rcm.Coverage{}})
	s.Describe("GET /api/v1/audit", Operation{Tag: "audit", Summary: "Audit events, newest first (auditors and admins).",
		Query: []string{"patient_id", "limit", "offset"}, Response: rcm.AuditEvent{}, List: "events"})
}

// buildOpenAPI assembles the document from the described operations.
func buildOpenAPI(ops map[string]Operation) map[string]any {
	g := &schemaGen{components: map[string]any{}}
	errRef := g.schema(reflect.TypeFor[errorBody]())
	paths := map[string]map[string]any{}
	for _, key := range slices.Sorted(maps.Keys(ops)) {
		op := ops[key]
		method, path, _ := strings.Cut(key, " ")
		item := paths[path]
		if item == nil {
			item = map[string]any{}
			paths[path] = item
		}
		o := map[string]any{
			"operationId": operationID(method, path),
			"summary":     op.Summary,
			"tags":        []string{op.Tag},
		}
		var params []any
		for _, name := range pathParamRE.FindAllStringSubmatch(path, -1) {
			params = append(params, map[string]any{"name": name[1], "in": "path", "required": true, "schema": paramSchema(name[1])})
		}
		for _, name := range op.Query {
			params = append(params, map[string]any{"name": name, "in": "query", "schema": paramSchema(name)})
		}
		if params != nil {
			o["parameters"] = params
		}
		switch {
		case op.BodyMedia != "":
			bs := map[string]any{"type": "string"}
			if op.Body != nil {
				bs = g.valueSchema(op.Body)
			}
			o["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				op.BodyMedia: map[string]any{"schema": bs}}}
		case op.Body != nil:
			o["requestBody"] = map[string]any{"required": !op.OptionalBody, "content": map[string]any{
				"application/json": map[string]any{"schema": g.valueSchema(op.Body)}}}
		}
		status := op.Status
		if status == 0 {
			status = http.StatusOK
		}
		ok := map[string]any{"description": http.StatusText(status)}
		content := map[string]any{}
		media := op.ResponseMedia
		if media == "" {
			media = "application/json"
		}
		switch {
		case op.Response != nil:
			rs := g.valueSchema(op.Response)
			if op.List != "" {
				rs = map[string]any{"type": "object", "required": []string{op.List}, "additionalProperties": false,
					"properties": map[string]any{op.List: map[string]any{"type": "array", "items": rs}}}
			}
			content[media] = map[string]any{"schema": rs}
		case op.ResponseMedia != "":
			content[media] = map[string]any{"schema": fileSchema(media)}
		}
		if op.AlsoMedia != "" {
			content[op.AlsoMedia] = map[string]any{"schema": fileSchema(op.AlsoMedia)}
		}
		if len(content) > 0 {
			ok["content"] = content
		}
		responses := map[string]any{
			strconv.Itoa(status): ok,
			"default":            map[string]any{"description": "An error, with the field it concerns.", "content": map[string]any{"application/json": map[string]any{"schema": errRef}}},
		}
		if op.AlsoStatus != 0 {
			also := maps.Clone(ok)
			also["description"] = http.StatusText(op.AlsoStatus)
			responses[strconv.Itoa(op.AlsoStatus)] = also
		}
		o["responses"] = responses
		if op.Public {
			o["security"] = []any{}
		}
		item[strings.ToLower(method)] = o
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":   "OpenRCM API",
			"version": "1",
			"description": "The JSON API of OpenRCM. Every request carries a token (Authorization: Bearer rcm_...); " +
				"a request may say why it reads patient data in the X-RCM-Reason header, which the audit log keeps. " +
				"Amounts are decimal strings (\"125.50\"), dates YYYY-MM-DD.",
		},
		"servers":    []any{map[string]any{"url": "/"}},
		"security":   []any{map[string]any{"bearer": []string{}}},
		"paths":      paths,
		"components": map[string]any{"schemas": g.components, "securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}}},
	}
}

// valueSchema is the schema of an Operation's Body or Response: a FHIR
// resource by its type, anything else by its Go type.
func (g *schemaGen) valueSchema(v any) map[string]any {
	if r, ok := v.(FHIRResource); ok {
		return map[string]any{"type": "object", "required": []string{"resourceType"},
			"description": "A FHIR R4 " + string(r) + " resource; the FHIR specification defines its fields.",
			"properties": map[string]any{"resourceType": map[string]any{"type": "string", "enum": []string{string(r)}},
				"id": map[string]any{"type": "string"}}}
	}
	return g.schema(reflect.TypeOf(v))
}

// fileSchema is the schema of an answer sent as a file (a PDF, a CSV).
func fileSchema(media string) map[string]any {
	return map[string]any{"type": "string", "contentMediaType": media}
}

var pathParamRE = regexp.MustCompile(`\{([a-z_]+)\}`)

// paramSchema types a parameter by its name: ids and paging are integers,
// dates are dates, the rest strings.
func paramSchema(name string) map[string]any {
	switch {
	case name == "owner_id":
		// The follow-up queue's filter: a user's id, or none for the
		// unassigned items.
		return map[string]any{"type": "string", "pattern": "^([1-9][0-9]*|none)$"}
	case name == "format":
		return map[string]any{"type": "string", "enum": []string{"json", "csv"}}
	case name == "id" || name == "token" || name == "after" || strings.HasSuffix(name, "_id") && name != "member_id":
		return map[string]any{"type": "integer", "minimum": 1}
	case name == "limit" || name == "offset" || name == "age":
		return map[string]any{"type": "integer", "minimum": 0}
	case name == "dos" || name == "on" || name == "due_by" || name == "from" || name == "to":
		return map[string]any{"type": "string", "format": "date"}
	}
	return map[string]any{"type": "string"}
}

// operationID names an operation for generated clients:
// "GET /api/v1/patients/{id}/coverages" is getPatientsIdCoverages.
func operationID(method, path string) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	for _, seg := range strings.Split(strings.TrimPrefix(path, "/api/v1"), "/") {
		for _, word := range strings.FieldsFunc(seg, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
			b.WriteString(strings.ToUpper(word[:1]) + word[1:])
		}
	}
	return b.String()
}

// schemaGen turns Go types into JSON Schema (2020-12, as OpenAPI 3.1
// uses), following encoding/json's rules: json tags, omitempty, embedded
// structs, and the types that marshal themselves.
type schemaGen struct {
	components map[string]any
}

var (
	moneyType     = reflect.TypeFor[rcm.Money]()
	dateType      = reflect.TypeFor[rcm.Date]()
	timeType      = reflect.TypeFor[time.Time]()
	rawType       = reflect.TypeFor[json.RawMessage]()
	marshalerType = reflect.TypeFor[json.Marshaler]()
	textType      = reflect.TypeFor[encoding.TextMarshaler]()
)

func (g *schemaGen) schema(t reflect.Type) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case moneyType:
		return map[string]any{"type": "string", "pattern": `^-?[0-9]+\.[0-9]{2}$`, "description": "An amount in dollars and cents."}
	case dateType:
		return map[string]any{"type": "string", "pattern": `^([0-9]{4}-[0-9]{2}-[0-9]{2})?$`, "description": "A date, YYYY-MM-DD (empty when unknown)."}
	case timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case rawType:
		return map[string]any{}
	}
	if t.Implements(marshalerType) || reflect.PointerTo(t).Implements(marshalerType) {
		return map[string]any{}
	}
	if t.Implements(textType) || reflect.PointerTo(t).Implements(textType) {
		return map[string]any{"type": "string"}
	}
	switch t.Kind() {
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "contentEncoding": "base64"}
		}
		return map[string]any{"type": "array", "items": g.schema(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Struct:
		return g.structRef(t)
	}
	return map[string]any{}
}

// structRef puts a named struct in components and answers a $ref to it;
// anonymous structs are written inline.
func (g *schemaGen) structRef(t reflect.Type) map[string]any {
	name := componentName(t)
	if name == "" {
		return g.object(t)
	}
	ref := map[string]any{"$ref": "#/components/schemas/" + name}
	if _, done := g.components[name]; !done {
		g.components[name] = map[string]any{} // a placeholder ends recursion
		g.components[name] = g.object(t)
	}
	return ref
}

func (g *schemaGen) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []string
	g.fields(t, props, &required)
	o := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if required != nil {
		slices.Sort(required)
		o["required"] = required
	}
	return o
}

func (g *schemaGen) fields(t reflect.Type, props map[string]any, required *[]string) {
	for f := range t.Fields() {
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				g.fields(ft, props, required)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		s := g.schema(f.Type)
		omit := strings.Contains(","+opts+",", ",omitempty,") || strings.Contains(","+opts+",", ",omitzero,")
		if strings.Contains(","+opts+",", ",string,") {
			s = map[string]any{"type": "string"}
		}
		switch f.Type.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
			if !omit && f.Type != rawType {
				s = nullable(s)
			}
		}
		props[name] = s
		if !omit {
			*required = append(*required, name)
		}
	}
}

// nullable lets a schema also be null, as a nil pointer, slice or map
// without omitempty encodes.
func nullable(s map[string]any) map[string]any {
	if typ, ok := s["type"].(string); ok {
		c := map[string]any{}
		for k, v := range s {
			c[k] = v
		}
		c["type"] = []string{typ, "null"}
		return c
	}
	if len(s) == 0 {
		return s
	}
	return map[string]any{"anyOf": []any{s, map[string]any{"type": "null"}}}
}

// componentName is a struct's name in components: the domain's types by
// their own name, others prefixed by their package ("RemitDenial").
func componentName(t reflect.Type) string {
	if t.Name() == "" || strings.ContainsAny(t.Name(), "[]") {
		return ""
	}
	pkg := t.PkgPath()
	if pkg == "github.com/openrcm/openrcm" {
		return t.Name()
	}
	last := pkg[strings.LastIndex(pkg, "/")+1:]
	if last == "web" {
		return "Web" + strings.ToUpper(t.Name()[:1]) + t.Name()[1:]
	}
	return strings.ToUpper(last[:1]) + last[1:] + t.Name()
}

// docState is the Server's part for the document.
type docState struct {
	docMu sync.Mutex
	ops   map[string]Operation
	doc   []byte
}
