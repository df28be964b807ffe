package attack

import "strings"

// Injections are the query values the suite sends in every parameter of
// every list route: classic SQL injection, quotes of every kind, encoded
// quotes, a NUL, and values far longer than any field. A route must answer
// each with 400 or an ordinary (empty or normal) result: never a 500,
// never another organization's rows, and the database intact afterwards.
var Injections = []string{
	`' OR 1=1--`,
	`1;DROP TABLE patient`,
	`1); DELETE FROM patient;--`,
	`%27`,
	`' UNION SELECT username, password_hash FROM app_user--`,
	"\u2018 OR \u20181\u2019=\u20191", // unicode quotes
	"\u02bc OR 1=1 --",                // modifier letter apostrophe
	"a\x00b",
	"-1",
	"99999999999999999999999",
	strings.Repeat("A", 10_000),
}

// Redirects are hostile values of the sign-in form's next parameter: each
// tries to send the browser to another site after sign-in.
var Redirects = []string{
	"//evil.example",
	"//evil.example/x",
	"/\t/evil.example",
	"/\\evil.example",
	"\\\\evil.example",
	"https://evil.example",
	"http:evil.example",
	"%2F%2Fevil.example",
	"/%09/evil.example",
	"/%5Cevil.example",
	"/\r\n/evil.example",
	"javascript:alert(1)",
	" //evil.example",
	"/ /evil.example",
}

// Paths are hostile file names and path tails: parent directories,
// encoded separators, absolute paths and NUL.
var Paths = []string{
	"../go.mod",
	"../../../../etc/passwd",
	"..%2F..%2Fgo.mod",
	"..%2f..%2fetc%2fpasswd",
	"%2e%2e/%2e%2e/go.mod",
	"..\\..\\go.mod",
	"/etc/passwd",
	"a\x00.835",
	"....//....//etc/passwd",
}

// Bodies are hostile JSON bodies: malformed, of the wrong shape, nested
// deep, oversize, with unknown or duplicated fields, NULs, invalid UTF-8,
// numbers beyond float64, and operator objects where text belongs. Every
// route that reads JSON answers each with a 4xx and changes nothing.
var Bodies = []string{
	`{`,
	`[]`,
	`null`,
	`"text"`,
	`0`,
	`{} {}`,
	`{"id":"1"}`,
	`{"unknown_field":1}`,
	`{"name":{"$gt":""},"first_name":{"$ne":null}}`,
	`{"__proto__":{"admin":true},"constructor":{"prototype":{}}}`,
	`{"amount":1e309,"charge":-1e309}`,
	`{"amount":"NaN","units":1.5e300}`,
	`{"name":"a\u0000b","first_name":"\u0000","note":"\ud800"}`,
	"{\"name\":\"\xff\xfe\"}",
	"\xef\xbb\xbf{}",
	`{"name":"x","name":"y","id":1,"id":2}`,
	strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000),
	`{"note":"` + strings.Repeat("A", 2<<20) + `"}`,
	`{"org_id":1,"organization_id":1,"role":"admin"}`,
}
