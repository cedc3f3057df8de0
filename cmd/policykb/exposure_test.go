package main

import (
	"net"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// TestExposure checks whom serve answers and when it refuses to start: an
// address other machines can reach needs an access token, unless the
// configuration says, in so many words, that none is wanted.
func TestExposure(t *testing.T) {
	hostname := func() (string, error) { return "Research-PC", nil }
	addrs := func() ([]net.Addr, error) {
		return []net.Addr{&net.IPNet{IP: net.ParseIP("127.0.0.1")}, &net.IPNet{IP: net.ParseIP("192.0.2.7")}}, nil
	}
	token := "0123456789abcdef0123"
	tests := []struct {
		name      string
		s         ServerConfig
		wantHosts []string // nil: the handler's default, the loopback names
		wantErr   string
	}{
		{"loopback", ServerConfig{Addr: "127.0.0.1:8080"}, nil, ""},
		{"localhost", ServerConfig{Addr: "localhost:8080"}, nil, ""},
		{"ipv6 loopback", ServerConfig{Addr: "[::1]:8080"}, nil, ""},
		{"all interfaces without a token", ServerConfig{Addr: "0.0.0.0:8080"}, nil, "server.token"},
		{"an address without a token", ServerConfig{Addr: "192.0.2.7:8080"}, nil, "insecure_no_token"},
		{"no host without a token", ServerConfig{Addr: ":8080"}, nil, "access token"},
		{"a short token", ServerConfig{Addr: "0.0.0.0:8080", Token: "secret"}, nil, "at least 16"},
		{"an address with a token", ServerConfig{Addr: "192.0.2.7:8080", Token: token},
			[]string{"localhost", "127.0.0.1", "::1", "192.0.2.7"}, ""},
		{"all interfaces with a token", ServerConfig{Addr: "0.0.0.0:8080", Token: token},
			[]string{"localhost", "127.0.0.1", "::1", "research-pc", "192.0.2.7"}, ""},
		{"all interfaces, no token on purpose", ServerConfig{Addr: "0.0.0.0:8080", InsecureNoToken: true},
			[]string{"localhost", "127.0.0.1", "::1", "research-pc", "192.0.2.7"}, ""},
		{"hosts configured", ServerConfig{Addr: "0.0.0.0:8080", Token: token, AllowedHosts: []string{"kb.example.org"}},
			[]string{"kb.example.org"}, ""},
		{"bad address", ServerConfig{Addr: "8080"}, nil, "host:port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hosts, err := exposure(tt.s, hostname, addrs)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
			case !slices.Equal(hosts, tt.wantHosts):
				t.Errorf("hosts %q, want %q", hosts, tt.wantHosts)
			}
		})
	}
}

// TestServeRefusesAnOpenAddressWithoutToken runs serve as a user would, on
// every interface without a token: it stops before touching the database
// or the network, saying what to set.
func TestServeRefusesAnOpenAddressWithoutToken(t *testing.T) {
	t.Setenv("POLICYKB_NEO4J_URI", "bolt://127.0.0.1:1") // nothing there: serve must not get that far
	t.Setenv("POLICYKB_NEO4J_BUNDLED_ENABLED", "false")
	out, err := run(t, "serve", "--addr", "0.0.0.0:0")
	if err == nil || !strings.Contains(err.Error(), "server.token") || !strings.Contains(err.Error(), "insecure_no_token") {
		t.Fatalf("serve on 0.0.0.0 without a token: %v\n%s", err, out)
	}
	if strings.Contains(err.Error(), "Neo4j") {
		t.Errorf("serve reached the database before refusing: %v", err)
	}
}

// TestServerConfigKeys checks that the new server keys are read from the
// environment (POLICYKB_SERVER_TOKEN, lists as comma-separated values) and
// have defaults.
func TestServerConfigKeys(t *testing.T) {
	cfg, err := loadConfig("", pflag.NewFlagSet("t", pflag.ContinueOnError))
	if err != nil {
		t.Fatal(err)
	}
	s := cfg.Server
	if s.MaxCost != 5000 || s.MaxConcurrent != 32 || s.Token != "" || s.InsecureNoToken || len(s.AllowedHosts) != 0 || len(s.AllowedOrigins) != 0 {
		t.Errorf("defaults: %+v", s)
	}
	if cfg.Neo4j.Bundled.TransactionMemory != "256m" || cfg.Neo4j.ConnectTimeout.Seconds() != 1 {
		t.Errorf("neo4j defaults: %+v", cfg.Neo4j)
	}
	t.Setenv("POLICYKB_SERVER_TOKEN", "from-the-environment-1234")
	t.Setenv("POLICYKB_SERVER_ALLOWED_HOSTS", "kb.example.org,kb")
	t.Setenv("POLICYKB_SERVER_MAX_COST", "800")
	cfg, err = loadConfig("", pflag.NewFlagSet("t", pflag.ContinueOnError))
	if err != nil {
		t.Fatal(err)
	}
	s = cfg.Server
	if s.Token != "from-the-environment-1234" || !slices.Equal(s.AllowedHosts, []string{"kb.example.org", "kb"}) || s.MaxCost != 800 {
		t.Errorf("from the environment: token %q, hosts %q, max cost %d", s.Token, s.AllowedHosts, s.MaxCost)
	}
}
