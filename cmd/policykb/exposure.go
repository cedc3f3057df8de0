package main

import (
	"fmt"
	"net"
	"os"
	"strings"

	"github.com/policykb/policykb/resolvers"
)

// minTokenLength is the shortest access token serve accepts.
const minTokenLength = 16

// exposure decides whom `serve` answers: the host names it serves
// (server.allowed_hosts, else the loopback names, plus, when server.addr is
// not loopback, that address or, for a wildcard address, this machine's
// name and addresses), and whether it may start at all: on an address other
// machines can reach, only with an access token (server.token), unless
// server.insecure_no_token says otherwise.
func exposure(s ServerConfig, hostname func() (string, error), addrs func() ([]net.Addr, error)) (hosts []string, err error) {
	host, _, err := net.SplitHostPort(s.Addr)
	if err != nil {
		return nil, fmt.Errorf("serve: server.addr %q: want host:port such as 127.0.0.1:8080", s.Addr)
	}
	loopback := isLoopback(host)
	switch {
	case s.Token != "" && len(s.Token) < minTokenLength:
		return nil, fmt.Errorf("serve: server.token is %d characters long: use at least %d (such as the output of `openssl rand -hex 24`)",
			len(s.Token), minTokenLength)
	case !loopback && s.Token == "" && !s.InsecureNoToken:
		return nil, fmt.Errorf("serve: server.addr %s can be reached from other machines, and anyone who reaches it could read "+
			"the knowledge base: set an access token (server.token, or POLICYKB_SERVER_TOKEN) that clients send as "+
			"Authorization: Bearer TOKEN, listen on 127.0.0.1, or, on a network you trust entirely, set server.insecure_no_token: true", s.Addr)
	}
	if len(s.AllowedHosts) > 0 {
		return s.AllowedHosts, nil
	}
	if loopback {
		return nil, nil // the handler's default: the loopback names
	}
	hosts = append(hosts, resolvers.LoopbackHosts...)
	if ip := net.ParseIP(host); host != "" && (ip == nil || !ip.IsUnspecified()) {
		return append(hosts, host), nil
	}
	// A wildcard address: this machine's name and every address it has.
	if name, err := hostname(); err == nil && name != "" {
		hosts = append(hosts, strings.ToLower(name))
	}
	if list, err := addrs(); err == nil {
		for _, a := range list {
			if ipn, ok := a.(*net.IPNet); ok && !ipn.IP.IsLoopback() {
				hosts = append(hosts, ipn.IP.String())
			}
		}
	}
	return hosts, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// systemExposure is exposure with this machine's name and addresses.
func systemExposure(s ServerConfig) ([]string, error) {
	return exposure(s, os.Hostname, net.InterfaceAddrs)
}
