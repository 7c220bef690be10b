package main

import (
	"bufio"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// The build cache of a submission's build (GOCACHEPROG="vetrules -cacheprog
// TRUSTED PRIVATE", cmd/go/internal/cacheprog's protocol): entries are read
// from the submission's private folder, then from the trusted cache (Go's
// own layout, written only by builds of the reference, mounted read-only);
// every entry the build makes goes to the private folder, which is thrown
// away with the submission. No later build reads what a student's build
// wrote, and nothing is copied or linked to start one.

// progRequest and progResponse are cacheprog.Request and cacheprog.Response.
type progRequest struct {
	ID       int64
	Command  string
	ActionID []byte `json:",omitempty"`
	OutputID []byte `json:",omitempty"`
	BodySize int64  `json:",omitempty"`
}

type progResponse struct {
	ID            int64
	Err           string     `json:",omitempty"`
	KnownCommands []string   `json:",omitempty"`
	Miss          bool       `json:",omitempty"`
	OutputID      []byte     `json:",omitempty"`
	Size          int64      `json:",omitempty"`
	Time          *time.Time `json:",omitempty"`
	DiskPath      string     `json:",omitempty"`
}

// cacheProg serves the go command on stdin and stdout until it closes.
func cacheProg(trusted, private string, in io.Reader, out io.Writer) error {
	w := bufio.NewWriter(out)
	enc := json.NewEncoder(w)
	respond := func(r progResponse) error {
		if err := enc.Encode(r); err != nil {
			return err
		}
		return w.Flush()
	}
	if err := respond(progResponse{KnownCommands: []string{"get", "put", "close"}}); err != nil {
		return err
	}
	dec := json.NewDecoder(bufio.NewReaderSize(in, 1<<20))
	for {
		var req progRequest
		if err := dec.Decode(&req); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		var body []byte
		if req.Command == "put" && req.BodySize > 0 {
			var b64 string
			if err := dec.Decode(&b64); err != nil {
				return fmt.Errorf("reading the body of put %d: %w", req.ID, err)
			}
			var err error
			if body, err = base64.StdEncoding.DecodeString(b64); err != nil {
				return fmt.Errorf("decoding the body of put %d: %w", req.ID, err)
			}
			if int64(len(body)) != req.BodySize {
				return fmt.Errorf("put %d: got %d bytes, want %d", req.ID, len(body), req.BodySize)
			}
		}
		res := progResponse{ID: req.ID}
		switch req.Command {
		case "get":
			if e, ok := lookup(private, req.ActionID); ok {
				res.OutputID, res.Size, res.Time, res.DiskPath = e.out, e.size, &e.time, e.path
			} else if e, ok := lookup(trusted, req.ActionID); ok {
				res.OutputID, res.Size, res.Time, res.DiskPath = e.out, e.size, &e.time, e.path
			} else {
				res.Miss = true
			}
		case "put":
			p, err := store(private, req.ActionID, req.OutputID, body)
			if err != nil {
				res.Err = err.Error()
			}
			res.DiskPath = p
		case "close":
			return respond(res)
		default:
			res.Err = "unknown command " + req.Command
		}
		if err := respond(res); err != nil {
			return err
		}
	}
}

// entry is one index entry of a cache folder in Go's layout.
type entry struct {
	out  []byte
	size int64
	time time.Time
	path string // the output file
}

// lookup reads the index entry of action id in dir (Go's DiskCache layout:
// dir/xx/<id>-a holding "v1 <id> <output id> <size> <time>") and finds its
// output file (dir/xx/<output id>-d, or the one file of that folder for a
// cached executable).
func lookup(dir string, id []byte) (entry, bool) {
	if len(id) == 0 {
		return entry{}, false
	}
	hid := hex.EncodeToString(id)
	b, err := os.ReadFile(filepath.Join(dir, hid[:2], hid+"-a"))
	if err != nil {
		return entry{}, false
	}
	f := strings.Fields(string(b))
	if len(f) != 5 || f[0] != "v1" || f[1] != hid {
		return entry{}, false
	}
	out, err := hex.DecodeString(f[2])
	if err != nil || len(out) == 0 {
		return entry{}, false
	}
	size, err1 := strconv.ParseInt(f[3], 10, 64)
	nanos, err2 := strconv.ParseInt(f[4], 10, 64)
	if err1 != nil || err2 != nil {
		return entry{}, false
	}
	p := filepath.Join(dir, f[2][:2], f[2]+"-d")
	info, err := os.Stat(p)
	if err != nil {
		return entry{}, false
	}
	if info.IsDir() {
		files, err := os.ReadDir(p)
		if err != nil || len(files) != 1 {
			return entry{}, false
		}
		p = filepath.Join(p, files[0].Name())
		if info, err = os.Stat(p); err != nil {
			return entry{}, false
		}
	}
	if info.Size() != size {
		return entry{}, false
	}
	return entry{out: out, size: size, time: time.Unix(0, nanos), path: p}, true
}

// store writes body as the output of action id in dir and returns its path.
func store(dir string, id, out, body []byte) (string, error) {
	if len(id) == 0 || len(out) == 0 {
		return "", errors.New("put without an action or output ID")
	}
	hid, hout := hex.EncodeToString(id), hex.EncodeToString(out)
	p := filepath.Join(dir, hout[:2], hout+"-d")
	if err := writeAtomic(p, body, 0o755); err != nil {
		return "", err
	}
	index := fmt.Sprintf("v1 %s %s %20d %20d\n", hid, hout, len(body), time.Now().UnixNano())
	if err := writeAtomic(filepath.Join(dir, hid[:2], hid+"-a"), []byte(index), 0o644); err != nil {
		return "", err
	}
	return p, nil
}

// writeAtomic writes b to p through a temporary file renamed into place.
func writeAtomic(p string, b []byte, perm os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".tmp-")
	if err != nil {
		return err
	}
	_, werr := f.Write(b)
	cerr := f.Close()
	if err := errors.Join(werr, cerr, os.Chmod(f.Name(), perm)); err != nil {
		os.Remove(f.Name())
		return err
	}
	return os.Rename(f.Name(), p)
}
