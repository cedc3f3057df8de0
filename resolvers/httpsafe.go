package resolvers

import (
	"crypto/subtle"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/policykb/policykb"
)

// The safety layer wraps every route of the handler (GraphiQL, /graphql,
// /export/, /healthz, /readyz and whatever is added later) and checks, in
// this order:
//
//  1. Host: only the names of Options.AllowedHosts are served (default:
//     localhost, 127.0.0.1 and [::1], any port), so that a web page whose
//     host name an attacker points at 127.0.0.1 (DNS rebinding) is refused
//     with 421 instead of reading the knowledge base.
//  2. Origin: a request a browser sends from another origin (its Origin
//     header) is refused with 403 unless that origin is one of
//     Options.AllowedOrigins, which also get CORS headers; a request
//     without Origin (curl, scripts) passes. A browser's cross-site
//     request that is not a navigation (an <img> or <form> aimed at
//     /graphql: Sec-Fetch-Site cross-site) is refused too.
//  3. Token: when Options.Token is set, every request but /healthz must
//     carry it, as Authorization: Bearer TOKEN (compared in constant time),
//     or as the cookie a browser gets by opening any page once with
//     ?token=TOKEN; otherwise 401 with a FORBIDDEN error.
//  4. Content type: a request with a body (POST) must be application/json
//     (UTF-8), else 415: text/plain and form posts, which a page of any
//     origin can send without asking, never reach the API.
//  5. Concurrency: at most Options.MaxConcurrent requests run at once
//     (/healthz aside); one more is answered 503 with Retry-After at once
//     rather than queued.
//
// Every response carries the security headers of securityHeaders.

// contentSecurityPolicy lets a page of this server run only the scripts it
// serves (no inline script, no eval), load styles from itself (inline style
// attributes allowed: GraphiQL and ECharts' SVG renderer set them), images
// and fonts from itself or data:/blob: URLs, fetch only from itself, and
// be framed by no one.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders are set on every response.
var securityHeaders = map[string]string{
	"Content-Security-Policy":      contentSecurityPolicy,
	"X-Content-Type-Options":       "nosniff",
	"Referrer-Policy":              "no-referrer",
	"X-Frame-Options":              "DENY",
	"Cross-Origin-Opener-Policy":   "same-origin",
	"Cross-Origin-Resource-Policy": "same-origin",
}

// LoopbackHosts are the host names served by default: the loopback
// interface's.
var LoopbackHosts = []string{"localhost", "127.0.0.1", "::1"}

// tokenCookie holds the access token in a browser that opened a page
// with ?token=.
const tokenCookie = "policykb_token"

// retryAfterSeconds is what a busy server asks a client to wait.
const retryAfterSeconds = 1

// safety is the state of the safety layer.
type safety struct {
	h       *Handler
	hosts   []string // lower case, IPv6 without brackets; "*": any
	origins []string // lower case scheme://host[:port]
	token   []byte
	slots   chan struct{}
}

func newSafety(h *Handler, o Options) (*safety, error) {
	s := &safety{h: h, token: []byte(o.Token), slots: make(chan struct{}, o.MaxConcurrent)}
	for _, host := range o.AllowedHosts {
		host = strings.ToLower(strings.TrimSpace(host))
		host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
		if host == "" || strings.ContainsAny(host, "/ ") {
			return nil, fmt.Errorf("resolvers: AllowedHosts: %q is not a host name", host)
		}
		s.hosts = append(s.hosts, host)
	}
	for _, origin := range o.AllowedOrigins {
		u, err := url.Parse(strings.ToLower(strings.TrimSpace(origin)))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			return nil, fmt.Errorf("resolvers: AllowedOrigins: %q is not an origin such as https://kb.example.org", origin)
		}
		s.origins = append(s.origins, u.Scheme+"://"+u.Host)
	}
	return s, nil
}

func (s *safety) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hdr := w.Header()
		for k, v := range securityHeaders {
			hdr.Set(k, v)
		}
		if host := requestHost(r); !s.hostAllowed(host) {
			s.refuse(w, http.StatusMisdirectedRequest, policykb.EForbidden, fmt.Sprintf(
				"this server does not answer for the host %q: it serves %s (server.allowed_hosts)", host, s.hostList()))
			return
		}
		if ok, msg := s.originAllowed(w, r); !ok {
			s.refuse(w, http.StatusForbidden, policykb.EForbidden, msg)
			return
		}
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			w.WriteHeader(http.StatusNoContent) // a preflight of an allowed origin
			return
		}
		health := r.URL.Path == "/healthz"
		if len(s.token) > 0 && !health {
			if s.takeTokenFromURL(w, r) {
				return
			}
			if !s.tokenGiven(r) {
				hdr.Set("WWW-Authenticate", `Bearer realm="policykb"`)
				s.refuse(w, http.StatusUnauthorized, policykb.EForbidden,
					"this server needs its access token: send Authorization: Bearer TOKEN (server.token), or open a page once with ?token=TOKEN")
				return
			}
		}
		if hasBody(r) {
			if msg := jsonContentType(r.Header.Get("Content-Type")); msg != "" {
				s.refuse(w, http.StatusUnsupportedMediaType, policykb.EInvalid, msg)
				return
			}
		}
		if !health {
			select {
			case s.slots <- struct{}{}:
				defer func() { <-s.slots }()
			default:
				hdr.Set("Retry-After", fmt.Sprint(retryAfterSeconds))
				s.refuse(w, http.StatusServiceUnavailable, policykb.EUnavailable, fmt.Sprintf(
					"the server is busy: %d requests are running, the most it runs at once (server.max_concurrent); retry after %d s",
					cap(s.slots), retryAfterSeconds))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func (s *safety) refuse(w http.ResponseWriter, status int, code policykb.ErrorCode, msg string) {
	s.h.refuse(w, status, &apiError{Code: code, Message: msg})
}

// requestHost is the request's host name without the port, lower case,
// an IPv6 address without brackets.
func requestHost(r *http.Request) string {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"))
}

func (s *safety) hostAllowed(host string) bool {
	hosts := s.hosts
	if len(hosts) == 0 {
		hosts = LoopbackHosts
	}
	return host != "" && (slices.Contains(hosts, host) || slices.Contains(hosts, "*"))
}

func (s *safety) hostList() string {
	hosts := s.hosts
	if len(hosts) == 0 {
		hosts = LoopbackHosts
	}
	return strings.Join(hosts, ", ")
}

// originAllowed checks the Origin of a browser's request: its own origin
// (the same host and port as the request) or one of AllowedOrigins, which
// gets CORS headers. Without Origin, a cross-site request that is not a
// navigation is refused (Sec-Fetch-Site, sent by current browsers).
func (s *safety) originAllowed(w http.ResponseWriter, r *http.Request) (bool, string) {
	origin := strings.ToLower(r.Header.Get("Origin"))
	if origin == "" {
		if r.Header.Get("Sec-Fetch-Site") == "cross-site" && r.Header.Get("Sec-Fetch-Mode") != "navigate" {
			return false, "a cross-site request from a web page is refused: only this server's own pages may call it"
		}
		return true, ""
	}
	u, err := url.Parse(origin)
	if err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host == strings.ToLower(r.Host) {
		return true, "" // same origin
	}
	if slices.Contains(s.origins, origin) {
		hdr := w.Header()
		hdr.Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
		hdr.Add("Vary", "Origin")
		hdr.Set("Access-Control-Allow-Methods", "GET, POST")
		hdr.Set("Access-Control-Allow-Headers", "Content-Type, Accept, Authorization")
		hdr.Set("Access-Control-Max-Age", "600")
		return true, ""
	}
	return false, fmt.Sprintf("a request from the web page origin %q is refused: only this server's own pages and server.allowed_origins may call it", r.Header.Get("Origin"))
}

// tokenGiven checks the bearer token, or the token cookie, in constant time.
func (s *safety) tokenGiven(r *http.Request) bool {
	given := ""
	if auth := r.Header.Get("Authorization"); auth != "" {
		scheme, value, ok := strings.Cut(auth, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return false
		}
		given = strings.TrimSpace(value)
	} else if c, err := r.Cookie(tokenCookie); err == nil {
		given = c.Value
	}
	return given != "" && subtle.ConstantTimeCompare([]byte(given), s.token) == 1
}

// takeTokenFromURL answers a GET of a page with the right ?token= by
// setting the token cookie (HttpOnly, SameSite=Strict) and redirecting to
// the same URL without it, so that the token leaves the address bar. It
// reports whether it answered.
func (s *safety) takeTokenFromURL(w http.ResponseWriter, r *http.Request) bool {
	q := r.URL.Query()
	given := q.Get("token")
	if r.Method != http.MethodGet || given == "" || subtle.ConstantTimeCompare([]byte(given), s.token) != 1 {
		return false
	}
	http.SetCookie(w, &http.Cookie{Name: tokenCookie, Value: given, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	q.Del("token")
	u := *r.URL
	u.RawQuery = q.Encode()
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, u.RequestURI(), http.StatusSeeOther)
	return true
}

// hasBody is a request whose method carries a body.
func hasBody(r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodDelete, http.MethodTrace:
		return false
	}
	return true
}

// jsonContentType returns "" when ct is application/json in UTF-8, else why not.
func jsonContentType(ct string) string {
	if ct == "" {
		return "the request has no Content-Type: send the body as application/json"
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" {
		return fmt.Sprintf("the request body is %q: send it as application/json", ct)
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return fmt.Sprintf("the request body is in %q: send it as application/json in UTF-8", cs)
	}
	return ""
}
