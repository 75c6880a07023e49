package read

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// The push feed (feed.go) talks RESP2 over connections of its own, not
// go-redis's: they must be dedicated (never returned to a pool, never
// silently re-dialled: a reconnect is a gap the feed has to see) and a push
// must be stamped the moment it is read off the socket.

// Bounds on what a feed connection accepts from the server: a reply beyond
// them is a protocol error (the connection is dropped, which the feed treats
// as a gap), never an allocation of the server's choosing.
const (
	respMaxBulk  = 1 << 20 // bytes of one bulk string (a key name)
	respMaxArray = 1 << 20 // elements of one array (keys of one invalidation)
	respMaxDepth = 4       // nesting of arrays
)

// errRESP is a reply flashtop cannot parse.
var errRESP = errors.New("redisops: bad RESP reply")

// respError is an error reply (-ERR …, -NOPERM …) of the server.
type respError string

func (e respError) Error() string { return string(e) }

// respConn is one dedicated RESP2 connection.
type respConn struct {
	nc net.Conn
	rd *bufio.Reader
}

// dialRESP opens a connection like the go-redis client described by o would
// (its dialer: TCP, TLS or unix), authenticates, names it and selects the
// database. timeout bounds the whole handshake.
func dialRESP(ctx context.Context, o *redis.Options, name string, timeout time.Duration) (*respConn, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	dial := o.Dialer
	if dial == nil {
		var d net.Dialer
		dial = d.DialContext
	}
	network := o.Network
	if network == "" {
		network = "tcp"
	}
	nc, err := dial(ctx, network, o.Addr)
	if err != nil {
		return nil, err
	}
	c := &respConn{nc: nc, rd: bufio.NewReaderSize(nc, 32<<10)}
	if dl, ok := ctx.Deadline(); ok {
		_ = nc.SetDeadline(dl)
	}
	var hello [][]any
	switch {
	case o.Password != "" && o.Username != "":
		hello = append(hello, []any{"AUTH", o.Username, o.Password})
	case o.Password != "":
		hello = append(hello, []any{"AUTH", o.Password})
	}
	hello = append(hello, []any{"CLIENT", "SETNAME", name})
	if o.DB != 0 {
		hello = append(hello, []any{"SELECT", strconv.Itoa(o.DB)})
	}
	replies, err := c.do(hello...)
	if err == nil {
		for _, r := range replies {
			if e, ok := r.(respError); ok {
				err = e
				break
			}
		}
	}
	_ = nc.SetDeadline(time.Time{})
	if err != nil {
		_ = nc.Close()
		return nil, err
	}
	return c, nil
}

// close closes the connection (a blocked read returns at once).
func (c *respConn) close() { _ = c.nc.Close() }

// send writes commands without reading their replies.
func (c *respConn) send(cmds ...[]any) error {
	var buf []byte
	for _, args := range cmds {
		buf = appendCommand(buf, args)
	}
	_, err := c.nc.Write(buf)
	return err
}

// do writes commands (pipelined) and reads one reply each. An error reply is
// returned as a respError value in its place, not as err.
func (c *respConn) do(cmds ...[]any) ([]any, error) {
	if err := c.send(cmds...); err != nil {
		return nil, err
	}
	out := make([]any, len(cmds))
	for i := range cmds {
		v, err := c.read()
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// appendCommand appends args as a RESP array of bulk strings.
func appendCommand(buf []byte, args []any) []byte {
	buf = append(buf, '*')
	buf = strconv.AppendInt(buf, int64(len(args)), 10)
	buf = append(buf, '\r', '\n')
	for _, a := range args {
		s := fmt.Sprint(a)
		buf = append(buf, '$')
		buf = strconv.AppendInt(buf, int64(len(s)), 10)
		buf = append(buf, '\r', '\n')
		buf = append(buf, s...)
		buf = append(buf, '\r', '\n')
	}
	return buf
}

// read reads one reply: string (simple or bulk), int64, nil, respError or
// []any.
func (c *respConn) read() (any, error) { return c.readDepth(0) }

func (c *respConn) readDepth(depth int) (any, error) {
	line, err := c.line()
	if err != nil {
		return nil, err
	}
	if len(line) == 0 {
		return nil, errRESP
	}
	body := string(line[1:])
	switch line[0] {
	case '+':
		return body, nil
	case '-':
		return respError(body), nil
	case ':':
		n, err := strconv.ParseInt(body, 10, 64)
		if err != nil {
			return nil, errRESP
		}
		return n, nil
	case '$':
		return c.bulk(body)
	case '*':
		return c.array(body, depth)
	}
	return nil, errRESP
}

// line reads one CRLF-terminated line (without the CRLF), at most the reader's 32 KiB buffer.
func (c *respConn) line() ([]byte, error) {
	line, err := c.rd.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return nil, errRESP
	}
	if err != nil {
		return nil, err
	}
	if len(line) < 2 || line[len(line)-2] != '\r' {
		return nil, errRESP
	}
	return line[:len(line)-2], nil
}

func (c *respConn) bulk(n string) (any, error) {
	size, err := strconv.Atoi(n)
	switch {
	case err != nil || size < -1 || size > respMaxBulk:
		return nil, errRESP
	case size == -1:
		return nil, nil
	}
	buf := make([]byte, size+2)
	if _, err := io.ReadFull(c.rd, buf); err != nil {
		return nil, err
	}
	if buf[size] != '\r' || buf[size+1] != '\n' {
		return nil, errRESP
	}
	return string(buf[:size]), nil
}

func (c *respConn) array(n string, depth int) (any, error) {
	size, err := strconv.Atoi(n)
	switch {
	case err != nil || size < -1 || size > respMaxArray || depth >= respMaxDepth:
		return nil, errRESP
	case size == -1:
		return nil, nil
	}
	out := make([]any, 0, min(size, 1024))
	for range size {
		v, err := c.readDepth(depth + 1)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
