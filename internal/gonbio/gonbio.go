// Package gonbio sends rich displays (images, text) from a program that GoNB runs for a
// notebook cell to the notebook, through the pair of named pipes GoNB opens for every cell
// ($GONB_PIPE to the kernel, $GONB_PIPE_BACK from it), speaking GoNB's own gob protocol
// (package github.com/janpfeifer/gonb/gonbui/protocol).
//
// It does what d2l needs of gonbui — IsNotebook, SendData, Sync, UniqueID — without gonbui's
// dependencies: gonbui links github.com/gofrs/uuid and with it net, database/sql and os/user
// (and so cgo), which made the program GoNB links for every cell a quarter bigger and its link
// slower. Widgets and comms are not supported; only the sync acknowledgement is read back.
package gonbio

import (
	"encoding/gob"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"

	"github.com/janpfeifer/gonb/gonbui/protocol"
)

// IsNotebook reports whether this program was started by a GoNB kernel (for a notebook cell).
var IsNotebook = os.Getenv(protocol.GONB_PIPE_ENV) != ""

var (
	mu      sync.Mutex
	opened  bool
	err     error // persistent: once the pipes fail, nothing more is sent
	writer  *os.File
	encoder *gob.Encoder
	nextID  int
	waiting = map[int]chan struct{}{}
)

// open opens both pipes once, as gonbui does (the writer first), and starts reading the
// acknowledgements. mu must be held.
func open() error {
	if !IsNotebook {
		return fmt.Errorf("gonbio: $%s is not set: not running under GoNB", protocol.GONB_PIPE_ENV)
	}
	if opened {
		return err
	}
	opened = true
	w, werr := os.OpenFile(os.Getenv(protocol.GONB_PIPE_ENV), os.O_WRONLY, 0o600)
	if werr != nil {
		err = fmt.Errorf("gonbio: opening GoNB's pipe for writing: %w", werr)
		return err
	}
	r, rerr := os.OpenFile(os.Getenv(protocol.GONB_PIPE_BACK_ENV), os.O_RDONLY, 0o600)
	if rerr != nil {
		_ = w.Close()
		err = fmt.Errorf("gonbio: opening GoNB's pipe for reading: %w", rerr)
		return err
	}
	writer, encoder = w, gob.NewEncoder(w)
	go read(gob.NewDecoder(r))
	return nil
}

// read delivers the kernel's sync acknowledgements until the pipe closes; other messages
// (widget values) are dropped.
func read(dec *gob.Decoder) {
	for {
		var v protocol.CommValue
		if derr := dec.Decode(&v); derr != nil {
			mu.Lock()
			if err == nil {
				err = fmt.Errorf("gonbio: reading GoNB's pipe: %w", derr)
			}
			for id, ch := range waiting { // nobody will acknowledge them now
				close(ch)
				delete(waiting, id)
			}
			mu.Unlock()
			return
		}
		if v.Address != protocol.GonbuiSyncAckAddress {
			continue
		}
		id, ok := v.Value.(int)
		mu.Lock()
		if ch, found := waiting[id]; ok && found {
			close(ch)
			delete(waiting, id)
		}
		mu.Unlock()
	}
}

// SendData sends one display (or an update of one, when data.DisplayID names an earlier one)
// to the notebook. Outside GoNB, or once the pipes have failed, it returns an error and sends
// nothing.
func SendData(data *protocol.DisplayData) error {
	mu.Lock()
	defer mu.Unlock()
	return sendLocked(data)
}

func sendLocked(data *protocol.DisplayData) error {
	if oerr := open(); oerr != nil {
		return oerr
	}
	if err != nil {
		return err
	}
	if eerr := encoder.Encode(data); eerr != nil {
		err = fmt.Errorf("gonbio: writing to GoNB's pipe: %w", eerr)
		_ = writer.Close()
		return err
	}
	return nil
}

// Sync waits until the kernel has handled everything sent before it, so that no display is
// lost when the program exits. It returns at once outside GoNB or after a failure.
func Sync() {
	if !IsNotebook {
		return
	}
	mu.Lock()
	id := nextID
	nextID++
	ch := make(chan struct{})
	waiting[id] = ch
	serr := sendLocked(&protocol.DisplayData{Data: map[protocol.MIMEType]any{
		protocol.MIMECommValue: &protocol.CommValue{Address: protocol.GonbuiSyncAddress, Value: id},
	}})
	if serr != nil {
		delete(waiting, id)
		mu.Unlock()
		return
	}
	mu.Unlock()
	<-ch
}

// UniqueID returns a new random identifier for a display that is updated in place.
func UniqueID() string {
	return fmt.Sprintf("%016x%016x", rand.Uint64(), rand.Uint64())
}
