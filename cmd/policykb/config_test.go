package main

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"
)

// The checkout's config.yaml, beside go.mod.
const checkoutConfig = "../../config.yaml"

// TestConfigFileHoldsTheDefaults reads the top-level config.yaml as plain
// YAML and compares it with the built-in defaults key by key: every default
// key is in the file with the default's value, and the file has no key
// policykb does not know.
func TestConfigFileHoldsTheDefaults(t *testing.T) {
	raw, err := os.ReadFile(checkoutConfig)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("%s: %v", checkoutConfig, err)
	}
	file := map[string]any{}
	flatten("", doc, file)
	for _, key := range slices.Sorted(maps.Keys(defaults)) {
		got, ok := file[key]
		if !ok {
			t.Errorf("%s: no key %s (default %v)", checkoutConfig, key, defaults[key])
			continue
		}
		if g, w := plain(got), plain(defaults[key]); g != w {
			t.Errorf("%s: %s is %s, but the built-in default is %s", checkoutConfig, key, g, w)
		}
	}
	for key := range file {
		if _, ok := defaults[key]; !ok {
			t.Errorf("%s: key %s has no built-in default: misspelled, or missing from cmd/policykb/config.go", checkoutConfig, key)
		}
	}
}

// TestConfigFileChangesNothing loads the configuration with and without the
// checkout's config.yaml: every effective setting must be the same.
func TestConfigFileChangesNothing(t *testing.T) {
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "POLICYKB_") {
			t.Setenv(name, "") // viper reads an empty variable as unset
		}
	}
	file, err := filepath.Abs(checkoutConfig)
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir()) // no ./config.yaml
	flags := func() *pflag.FlagSet { return pflag.NewFlagSet("t", pflag.ContinueOnError) }
	builtIn, err := loadConfig("", flags())
	if err != nil {
		t.Fatal(err)
	}
	withFile, err := loadConfig(file, flags())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(withFile, builtIn) {
		t.Errorf("config.yaml changes the configuration:\nwith it:    %+v\nbuilt in:   %+v", withFile, builtIn)
	}
	if builtIn.Neo4j.URI != "bolt://127.0.0.1:7687" || builtIn.Server.Addr != "127.0.0.1:8080" {
		t.Errorf("the defaults were not read: %+v", builtIn)
	}
}

func flatten(prefix string, m map[string]any, out map[string]any) {
	for k, v := range m {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		if sub, ok := v.(map[string]any); ok {
			flatten(key, sub, out)
			continue
		}
		out[key] = v
	}
}

// plain prints a value the same way whether YAML or the defaults map holds
// it: lists element by element, numbers in decimal.
func plain(v any) string {
	switch v := v.(type) {
	case []any:
		s := make([]string, len(v))
		for i, e := range v {
			s[i] = plain(e)
		}
		return "[" + strings.Join(s, " ") + "]"
	case []string:
		return "[" + strings.Join(v, " ") + "]"
	case string:
		return fmt.Sprintf("%q", v)
	default:
		return fmt.Sprint(v)
	}
}
