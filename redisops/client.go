package redisops

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flashtop/textsafe"
	"fmt"
	"net"
	"net/url"
	"os"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// DefaultURL is used when neither --redis-url nor REDIS_URL is set.
const DefaultURL = "redis://localhost:6379/0"

// DefaultTimeout bounds every call flashtop makes.
const DefaultTimeout = 2 * time.Second

// DefaultMaxQueue is the queue cap of the backend (REDIS_MAX_QUEUE_LENGTH).
const DefaultMaxQueue = 10000

// ClientName is what flashtop names its connections (CLIENT SETNAME).
const ClientName = "flashtop"

// ErrConfig is wrapped by errors in the connection options.
var ErrConfig = errors.New("redisops: bad connection options")

// Options describe how to reach Redis and which keys to use.
type Options struct {
	URL            string
	Username       string
	Password       string
	Cluster        bool
	SentinelMaster string
	TLSCA          string
	TLSCert        string
	TLSKey         string
	TLSInsecure    bool
	// Timeout bounds each call (dial, read, write); DefaultTimeout when zero.
	Timeout  time.Duration
	Schema   Schema
	MaxQueue int64
	// PoolSize is the connections per node (go-redis's default when zero);
	// bench sets it to its number of buyers.
	PoolSize int
	// BackendScripts are the backend's scripts whose presence every
	// snapshot checks (SCRIPT EXISTS): DefaultBackendScripts when nil, no
	// check when empty (--backend-scripts none; the demo, which has no
	// backend).
	BackendScripts []BackendScript
}

// Client is flashtop's handle on Redis. It is safe for concurrent use.
type Client struct {
	rdb      redis.UniversalClient
	schema   Schema
	maxQueue int64
	timeout  time.Duration
	url      string
	hosts    []string
	scripts  *scriptsSeen // the backend's scripts, seen loaded per node (backendscripts.go)
	noTouch  *noTouch     // CLIENT NO-TOUCH on its connections (notouch.go)
	loaded   *sync.Map    // SHA1s of flashtop's scripts loaded before their first EVALSHA (ops.go)
	loadMu   *sync.Mutex  // one SCRIPT LOAD at a time
}

// New builds a client without touching the network (connections are made on
// first use). The URL may be redis://, rediss:// (valkey://, valkeys://: the
// same) or unix://.
func New(o Options) (*Client, error) {
	if o.URL == "" {
		o.URL = DefaultURL
	}
	shown := o.URL
	o.URL = goRedisURL(o.URL) // go-redis parses redis:// and rediss:// only
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxQueue <= 0 {
		o.MaxQueue = DefaultMaxQueue
	}
	if o.Schema.Stock.re == nil {
		o.Schema = DefaultSchema()
	}
	hosts, err := URLHosts(o.URL)
	if err != nil {
		return nil, err
	}
	tlsCfg, err := tlsConfig(o)
	if err != nil {
		return nil, err
	}
	nt := &noTouch{sentinel: o.SentinelMaster != ""}
	var rdb redis.UniversalClient
	switch {
	case o.Cluster && o.SentinelMaster != "":
		return nil, fmt.Errorf("%w: --cluster and --sentinel-master exclude each other", ErrConfig)
	case o.Cluster:
		rdb, err = newClusterClient(o, tlsCfg, nt.onConnect)
	case o.SentinelMaster != "":
		rdb, err = newFailoverClient(o, tlsCfg, nt.onConnect)
	default:
		rdb, err = newStandaloneClient(o, tlsCfg, nt.onConnect)
	}
	if err != nil {
		return nil, err
	}
	if o.BackendScripts == nil {
		o.BackendScripts = DefaultBackendScripts
	}
	return &Client{rdb: rdb, schema: o.Schema, maxQueue: o.MaxQueue, timeout: o.Timeout, url: shown, hosts: hosts,
		scripts: newScriptsSeen(o.BackendScripts), noTouch: nt, loaded: &sync.Map{}, loadMu: &sync.Mutex{}}, nil
}

// newClusterClient connects to a Redis Cluster seeded from the URL; the key
// templates must keep every script within one hash slot.
func newClusterClient(o Options, tlsCfg *tls.Config, onConnect onConnectFunc) (redis.UniversalClient, error) {
	if err := o.Schema.ClusterSafe(); err != nil {
		return nil, err
	}
	co, err := redis.ParseClusterURL(o.URL)
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrConfig, RedactError(err, o.Password))
	}
	applyCommon(&co.Username, &co.Password, &co.ClientName, &co.DialTimeout, &co.ReadTimeout, &co.WriteTimeout, o)
	co.DisableIdentity = true
	co.MaintNotificationsConfig = noMaintNotifications()
	co.OnConnect = onConnect
	co.PoolSize = o.PoolSize
	if tlsCfg != nil {
		co.TLSConfig = tlsCfg
	}
	co.Dialer, co.DialerRetries = dialer(o.Timeout, co.TLSConfig), dialOnce
	return redis.NewClusterClient(co), nil
}

// newFailoverClient asks the Sentinel at the URL for the master's address.
func newFailoverClient(o Options, tlsCfg *tls.Config, onConnect onConnectFunc) (redis.UniversalClient, error) {
	so, err := redis.ParseURL(o.URL)
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrConfig, RedactError(err, o.Password))
	}
	fo := &redis.FailoverOptions{MasterName: o.SentinelMaster, SentinelAddrs: []string{so.Addr}, DB: so.DB,
		Username: so.Username, Password: so.Password, DisableIdentity: true, PoolSize: o.PoolSize, OnConnect: onConnect}
	applyCommon(&fo.Username, &fo.Password, &fo.ClientName, &fo.DialTimeout, &fo.ReadTimeout, &fo.WriteTimeout, o)
	fo.TLSConfig = tlsCfg
	if fo.TLSConfig == nil {
		fo.TLSConfig = so.TLSConfig
	}
	fo.Dialer, fo.DialerRetries = dialer(o.Timeout, fo.TLSConfig), dialOnce
	return redis.NewFailoverClient(fo), nil
}

// newStandaloneClient connects to one server (redis://, rediss:// or
// unix://; New spelled valkey:// and valkeys:// so).
func newStandaloneClient(o Options, tlsCfg *tls.Config, onConnect onConnectFunc) (redis.UniversalClient, error) {
	so, err := redis.ParseURL(o.URL)
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrConfig, RedactError(err, o.Password))
	}
	applyCommon(&so.Username, &so.Password, &so.ClientName, &so.DialTimeout, &so.ReadTimeout, &so.WriteTimeout, o)
	so.DisableIdentity = true
	so.MaintNotificationsConfig = noMaintNotifications()
	so.OnConnect = onConnect
	so.MaxRetries = 1
	if o.PoolSize > 0 {
		so.PoolSize = o.PoolSize
	}
	if tlsCfg != nil {
		so.TLSConfig = tlsCfg
	}
	so.Dialer, so.DialerRetries = dialer(o.Timeout, so.TLSConfig), dialOnce
	return redis.NewClient(so), nil
}

// noMaintNotifications turns off go-redis's maintenance notifications (on
// by default, "auto"): they send CLIENT MAINT_NOTIFICATIONS ON on every new
// connection, which Redis 7.0 and Valkey 8 answer with ERR unknown
// subcommand: flashtop would add to the server's error counts (INFO
// errorstats) it shows the operator. Failover clients disable them already.
func noMaintNotifications() *maintnotifications.Config {
	return &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
}

// onConnectFunc is go-redis's OnConnect hook.
type onConnectFunc = func(ctx context.Context, cn *redis.Conn) error

// NoTouch reports whether the client's reads are in CLIENT NO-TOUCH mode:
// false until its first connection learned it, and on a server without it
// (Redis before 7.2).
func (c *Client) NoTouch() bool { return c.noTouch.On() }

// dialOnce is go-redis's DialerRetries for every client: one dial per
// connection, not five 100 ms apart. A server that refuses is reported at
// once (a command exits 3 without waiting, bench stops, the dashboard
// retries at its next poll); reads are still retried once (MaxRetries).
const dialOnce = 1

func applyCommon(user, pass, name *string, dial, read, write *time.Duration, o Options) {
	if o.Username != "" {
		*user = o.Username
	}
	if o.Password != "" {
		*pass = o.Password
	}
	*name = ClientName
	*dial, *read, *write = o.Timeout, o.Timeout, o.Timeout
}

func tlsConfig(o Options) (*tls.Config, error) {
	secure := IsTLSURL(o.URL)
	if !secure && (o.TLSCA != "" || o.TLSCert != "" || o.TLSKey != "" || o.TLSInsecure) {
		return nil, fmt.Errorf("%w: --tls-* flags need a rediss:// (or valkeys://) URL", ErrConfig)
	}
	if !secure {
		return nil, nil
	}
	u, _ := url.Parse(o.URL)
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: o.TLSInsecure} //nolint:gosec // opt-in, warned about
	if u != nil {
		cfg.ServerName = u.Hostname()
	}
	if o.TLSCA != "" {
		pem, err := os.ReadFile(o.TLSCA)
		if err != nil {
			return nil, fmt.Errorf("%w: --tls-ca: %w", ErrConfig, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%w: --tls-ca %s holds no PEM certificate", ErrConfig, o.TLSCA)
		}
		cfg.RootCAs = pool
	}
	if (o.TLSCert == "") != (o.TLSKey == "") {
		return nil, fmt.Errorf("%w: --tls-cert and --tls-key go together", ErrConfig)
	}
	if o.TLSCert != "" {
		pair, err := tls.LoadX509KeyPair(o.TLSCert, o.TLSKey)
		if err != nil {
			return nil, fmt.Errorf("%w: --tls-cert/--tls-key: %w", ErrConfig, err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	return cfg, nil
}

// UnixSocketHost stands for a unix socket in the hosts of a URL; no TCP host
// name can be spelled like it.
const UnixSocketHost = "unix:socket"

// URLHosts returns the hosts named by a Redis URL (UnixSocketHost for a
// socket), or an ErrConfig error naming the bad part (checkURLParts).
func URLHosts(raw string) ([]string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		why := ""
		var ue *url.Error
		_, _, userPass := userInfo(raw)
		switch {
		case userPass: // the parser's words may quote a piece of the password
			why = " (" + encodeHint + ")"
		case errors.As(err, &ue): // e.g. invalid port ":abc" after host
			why = " (" + textsafe.Redact(ue.Err.Error(), URLSecrets(raw)...) + ")"
		}
		return nil, fmt.Errorf("%w: --redis-url is not a URL%s: %s", ErrConfig, why, shownURL(raw))
	}
	if misparsed(u, raw) {
		return nil, fmt.Errorf("%w: --redis-url: its user info did not parse (%s): %s", ErrConfig, encodeHint, shownURL(raw))
	}
	switch u.Scheme {
	case "unix", "redis", "rediss", "valkey", "valkeys":
	default:
		return nil, fmt.Errorf("%w: --redis-url must start with redis://, rediss://, valkey://, valkeys:// or unix:// (got %s)", ErrConfig, shownURL(raw))
	}
	if err := checkURLParts(u, raw); err != nil {
		return nil, err
	}
	if u.Scheme == "unix" {
		return []string{UnixSocketHost}, nil
	}
	host := u.Hostname()
	if host == "" {
		host = "localhost"
	}
	hosts := []string{host}
	for _, a := range u.Query()["addr"] { // extra cluster seed nodes
		if h, _, err := net.SplitHostPort(a); err == nil {
			hosts = append(hosts, h)
		}
	}
	return hosts, nil
}

// RedactURL hides the passwords of a URL, by its text (so also of a URL
// that does not parse, or parses into something else: an unencoded #, / or
// ? in a password moves it into the host, the path or the fragment): the
// user info's password, redis://user:***@host, and every password= value.
func RedactURL(raw string) string { return maskURL(raw) }

// RedactError returns err's text with the password hidden (textsafe.Redact).
func RedactError(err error, password string) string {
	if err == nil {
		return ""
	}
	return textsafe.Redact(err.Error(), password)
}

// Identify reads which server program this is and its own version (INFO
// server: "valkey" and valkey_version on Valkey, "redis" and redis_version
// on Redis). Errors wrap one of the error kinds of errors.go (an ACL
// without INFO gives ErrNoPerm).
func (c *Client) Identify(ctx context.Context) (name, version string, err error) {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	text, err := c.rdb.Info(ctx, "server").Result()
	if err != nil {
		return "", "", Classify(err)
	}
	s := ParseInfo(text).Server
	return s.Name, s.Version, nil
}

// Redis returns the underlying go-redis client.
func (c *Client) Redis() redis.UniversalClient { return c.rdb }

// Schema returns the key schema in use.
func (c *Client) Schema() Schema { return c.schema }

// MaxQueue is the queue cap used by join.
func (c *Client) MaxQueue() int64 { return c.maxQueue }

// Timeout is the per-call timeout.
func (c *Client) Timeout() time.Duration { return c.timeout }

// URL returns the server URL with the password hidden.
func (c *Client) URL() string { return RedactURL(c.url) }

// Hosts are the hosts the URL names (for write arming).
func (c *Client) Hosts() []string { return c.hosts }

// Close closes all connections.
func (c *Client) Close() error { return c.rdb.Close() }

// withTimeout derives the per-call context.
func (c *Client) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, c.timeout)
}

// Ping sends PING and returns the round-trip time.
func (c *Client) Ping(ctx context.Context) (time.Duration, error) {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	start := time.Now()
	if err := c.rdb.Ping(ctx).Err(); err != nil {
		return 0, Classify(err)
	}
	return time.Since(start), nil
}
