package main

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// Config is every setting, read once at start from config.yaml, then
// POLICYKB_<SECTION>_<KEY> environment variables, then flags.
type Config struct {
	Neo4j  Neo4jConfig  `mapstructure:"neo4j"`
	Server ServerConfig `mapstructure:"server"`
	Load   LoadConfig   `mapstructure:"load"`
	Import ImportConfig `mapstructure:"import"`
	Log    LogConfig    `mapstructure:"log"`
	Cypher CypherConfig `mapstructure:"cypher"`
	Words  WordsConfig  `mapstructure:"words"`
}

// WordsConfig chooses the word lists of word statistics (package words):
// files replacing the shipped user dictionary and stop words, and whether
// words are counted on a simplified form of traditional-script text.
type WordsConfig struct {
	UserDictionary string `mapstructure:"user_dictionary"`
	StopWords      string `mapstructure:"stop_words"`
	Simplify       bool   `mapstructure:"simplify"`
}

// CypherConfig is the read-only Cypher escape hatch of the GraphQL API
// (Query.cypher): off unless enabled, and bounded when on.
type CypherConfig struct {
	Enabled bool          `mapstructure:"enabled"`
	MaxRows int           `mapstructure:"max_rows"`
	Timeout time.Duration `mapstructure:"timeout"`
}

// Neo4jConfig says where the database is; see DESIGN §3 for the keys.
type Neo4jConfig struct {
	URI       string        `mapstructure:"uri"`
	Database  string        `mapstructure:"database"`
	Username  string        `mapstructure:"username"`
	Password  string        `mapstructure:"password"`
	TxTimeout time.Duration `mapstructure:"tx_timeout"`
	// CatalogMaxAge: how long the codebook and cities are used before
	// checking the knowledge base's version (graph.Config.CatalogMaxAge).
	CatalogMaxAge time.Duration `mapstructure:"catalog_max_age"`
	// ConnectTimeout, AcquireTimeout and MaxRetryTime bound how long a
	// request waits for Neo4j (graph.Config): a server that refuses
	// connections fails a request at once, as UNAVAILABLE.
	ConnectTimeout time.Duration `mapstructure:"connect_timeout"`
	AcquireTimeout time.Duration `mapstructure:"acquire_timeout"`
	MaxRetryTime   time.Duration `mapstructure:"max_retry_time"`
	Bundled        BundledConfig `mapstructure:"bundled"`
}

// BundledConfig describes the Neo4j that policykb runs itself.
type BundledConfig struct {
	Enabled   bool   `mapstructure:"enabled"`
	Home      string `mapstructure:"home"`
	Heap      string `mapstructure:"heap"`
	PageCache string `mapstructure:"pagecache"`
	// TransactionMemory is db.memory.transaction.max ("0": no limit).
	TransactionMemory string `mapstructure:"transaction_memory"`
	// Version is the Neo4j release; empty: neo4jserver.Version.
	Version      string        `mapstructure:"version"`
	Lib          string        `mapstructure:"lib"` // jars cache, one folder per version; default <home>/lib
	StartTimeout time.Duration `mapstructure:"start_timeout"`
}

// ServerConfig is the HTTP server and the limits on every request.
type ServerConfig struct {
	Addr           string        `mapstructure:"addr"`
	Timeout        time.Duration `mapstructure:"timeout"`
	MaxDepth       int           `mapstructure:"max_depth"`
	MaxQueryLength int           `mapstructure:"max_query_length"`
	MaxPageSize    int           `mapstructure:"max_page_size"`
	MaxBodyBytes   int64         `mapstructure:"max_body_bytes"`
	MaxParallelism int           `mapstructure:"max_parallelism"`
	// MaxCost bounds a query's estimated cost (resolvers/cost.go).
	MaxCost int `mapstructure:"max_cost"`
	// MaxConcurrent is how many requests run at once; more get 503.
	MaxConcurrent int `mapstructure:"max_concurrent"`
	// AllowedHosts are the Host names served; empty: the loopback names,
	// plus the listen address's own when it is not loopback (serve.go).
	AllowedHosts []string `mapstructure:"allowed_hosts"`
	// AllowedOrigins are other web origins whose pages may call the API.
	AllowedOrigins []string `mapstructure:"allowed_origins"`
	// Token is the access token every request but /healthz must carry
	// (POLICYKB_SERVER_TOKEN); required when Addr is not loopback, unless
	// InsecureNoToken.
	Token           string `mapstructure:"token"`
	InsecureNoToken bool   `mapstructure:"insecure_no_token"`
}

// LoadConfig tunes ingestion.
type LoadConfig struct {
	BatchSize int `mapstructure:"batch_size"`
}

// LogConfig sets the log level (debug, info, warn, error) and format (text, json).
type LogConfig struct {
	Level  string `mapstructure:"level"`
	Format string `mapstructure:"format"`
}

var defaults = map[string]any{
	"neo4j.uri":                        "bolt://127.0.0.1:7687",
	"neo4j.database":                   "neo4j",
	"neo4j.username":                   "",
	"neo4j.password":                   "",
	"neo4j.tx_timeout":                 "30s",
	"neo4j.catalog_max_age":            "1s",
	"neo4j.connect_timeout":            "1s",
	"neo4j.acquire_timeout":            "5s",
	"neo4j.max_retry_time":             "10s",
	"neo4j.bundled.transaction_memory": "256m",
	"neo4j.bundled.enabled":            true,
	"neo4j.bundled.home":               ".policykb/neo4j",
	"neo4j.bundled.heap":               "auto",
	"neo4j.bundled.pagecache":          "auto",
	"neo4j.bundled.version":            "",
	"neo4j.bundled.lib":                "",
	"neo4j.bundled.start_timeout":      "120s",
	"server.addr":                      "127.0.0.1:8080",
	"server.timeout":                   "15s",
	"server.max_depth":                 15,
	"server.max_query_length":          20000,
	"server.max_page_size":             500,
	"server.max_body_bytes":            1 << 20,
	"server.max_parallelism":           16,
	"server.max_cost":                  5000,
	"server.max_concurrent":            32,
	"server.allowed_hosts":             []string{},
	"server.allowed_origins":           []string{},
	"server.token":                     "",
	"server.insecure_no_token":         false,
	"load.batch_size":                  1000,
	"import.max_bytes":                 512 << 20,
	"log.level":                        "info",
	"log.format":                       "text",
	"cypher.enabled":                   false,
	"cypher.max_rows":                  1000,
	"cypher.timeout":                   "10s",
	"words.user_dictionary":            "",
	"words.stop_words":                 "",
	"words.simplify":                   true,
}

// flagKeys binds command-line flags to config keys.
var flagKeys = map[string]string{
	"neo4j-uri":  "neo4j.uri",
	"neo4j-home": "neo4j.bundled.home",
	"addr":       "server.addr",
	"batch-size": "load.batch_size",
	"max-size":   "import.max_bytes",
	"log-level":  "log.level",
}

func loadConfig(file string, flags *pflag.FlagSet) (Config, error) {
	v := viper.New()
	for k, val := range defaults {
		v.SetDefault(k, val)
	}
	v.SetEnvPrefix("POLICYKB")
	v.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))
	v.AutomaticEnv()
	if file != "" {
		v.SetConfigFile(file)
		if err := v.ReadInConfig(); err != nil {
			return Config{}, fmt.Errorf("config: read %s: %w", file, err)
		}
	} else {
		v.SetConfigName("config")
		v.SetConfigType("yaml")
		v.AddConfigPath(".")
		if err := v.ReadInConfig(); err != nil {
			if _, missing := err.(viper.ConfigFileNotFoundError); !missing {
				return Config{}, fmt.Errorf("config: %w", err)
			}
		}
	}
	for name, key := range flagKeys {
		if f := flags.Lookup(name); f != nil {
			if err := v.BindPFlag(key, f); err != nil {
				return Config{}, err
			}
		}
	}
	var cfg Config
	if err := v.Unmarshal(&cfg); err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	return cfg, nil
}

// boltAddr returns host:port of a bolt:// or neo4j:// URI on the loopback
// interface, and false for any other URI: only a loopback server can be the
// bundled one.
func boltAddr(uri string) (string, bool) {
	u, err := url.Parse(uri)
	if err != nil || (u.Scheme != "bolt" && u.Scheme != "neo4j") {
		return "", false
	}
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = "7687"
	}
	ip := net.ParseIP(host)
	if host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return "", false
	}
	return net.JoinHostPort(host, port), true
}
