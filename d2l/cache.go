package d2l

import (
	"container/list"
	"sync"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/shapes"
)

// program is one compiled graph: the backend's executable and what running it needs.
type program struct {
	exe compute.Executable
	// params is the number of the graph's own parameters; lifted constants (Eval) follow them.
	params, lifted int
	// bytes estimates the memory the compiled graph may hold: the bytes of every value the graph
	// computes (what a backend's buffers or arena may keep between runs) and of its constants.
	bytes int64
	// outs are the output shapes.
	outs []shapes.Shape
	// classes is, for a network's training graph, the size of the logits' last axis.
	classes int

	// staging keeps, per input, backend buffers that runs copy host inputs into and reuse
	// (backends with shared buffers): allocating a fresh buffer per call costs ONNX Runtime a
	// C allocation and a page fault per 4 KiB. Freed with the program.
	stagingMu sync.Mutex
	staging   map[int][]staged
}

// staged is a reusable input buffer and its host-visible data.
type staged struct {
	buf  compute.Buffer
	flat any
}

// stage returns a buffer of shape for input slot i, reused from earlier runs when one is free.
func (p *program) stage(b compute.Backend, i int, shape shapes.Shape) (staged, error) {
	p.stagingMu.Lock()
	if l := p.staging[i]; len(l) > 0 {
		s := l[len(l)-1]
		p.staging[i] = l[:len(l)-1]
		p.stagingMu.Unlock()
		return s, nil
	}
	p.stagingMu.Unlock()
	buf, flat, err := b.NewSharedBuffer(0, shape)
	return staged{buf, flat}, err
}

// unstage gives a staged buffer back for the next run of input slot i.
func (p *program) unstage(i int, s staged) {
	p.stagingMu.Lock()
	defer p.stagingMu.Unlock()
	if p.staging == nil {
		p.staging = map[int][]staged{}
	}
	if len(p.staging[i]) < 4 { // concurrent runs may need several; more are freed
		p.staging[i] = append(p.staging[i], s)
		return
	}
	_ = s.buf.Finalize()
}

// close frees the executable and the staged buffers. Nobody runs p any more.
func (p *program) close() {
	p.exe.Finalize()
	p.stagingMu.Lock()
	defer p.stagingMu.Unlock()
	for _, l := range p.staging {
		for _, s := range l {
			_ = s.buf.Finalize()
		}
	}
	p.staging = nil
}

// Cache limits: the compiled graphs of all of d2l (eager ops, Eval, Op, Sequential) share one
// least-recently-used cache bounded by count and by estimated bytes (program.bytes, the sum of
// every value a graph computes: an upper bound of what a backend keeps between runs). Reaching a
// limit evicts the least recently used graphs and frees their executables (ONNX Runtime
// sessions, ...); it never makes a call fail. On pure Go LeNet's training graph at batch 256
// estimates at 415 MB, its evaluation graph at 184 MB, those of TrainCh6's last batches (96 and
// 16 examples) at less: the four stay cached together.
const (
	cacheMaxEntries = 256
	cacheMaxBytes   = 1 << 30
)

// programs is the cache of compiled graphs.
var programs = newProgramCache(cacheMaxEntries, cacheMaxBytes)

// programCache is a least-recently-used cache of programs with reference counts: an entry
// evicted while a goroutine runs it is freed by its last user.
type programCache struct {
	mu         sync.Mutex
	maxEntries int
	maxBytes   int64
	bytes      int64
	lru        *list.List // of *cacheEntry, most recently used first
	m          map[string]*cacheEntry
	// compiles, evictions and freed count what happened (tests and benchmarks read them).
	compiles, evictions, freed int64
}

type cacheEntry struct {
	key     string
	p       *program
	elem    *list.Element
	refs    int
	evicted bool
}

func newProgramCache(maxEntries int, maxBytes int64) *programCache {
	return &programCache{maxEntries: maxEntries, maxBytes: maxBytes, lru: list.New(), m: map[string]*cacheEntry{}}
}

// get returns the entry for key with a reference taken (call release when done), or nil.
func (c *programCache) get(key string) *cacheEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok {
		return nil
	}
	c.lru.MoveToFront(e.elem)
	e.refs++
	return e
}

// add stores p under key and returns its entry with a reference taken. If another goroutine
// stored key meanwhile, p is freed and that entry is returned. Least recently used entries are
// evicted while the cache holds more than its limits (never the entry just added).
func (c *programCache) add(key string, p *program) *cacheEntry {
	c.mu.Lock()
	if e, ok := c.m[key]; ok {
		c.lru.MoveToFront(e.elem)
		e.refs++
		c.mu.Unlock()
		p.close() // a duplicate, never cached
		return e
	}
	c.compiles++
	e := &cacheEntry{key: key, p: p, refs: 1}
	e.elem = c.lru.PushFront(e)
	c.m[key] = e
	c.bytes += p.bytes
	var free []*program
	for c.lru.Len() > 1 && (c.lru.Len() > c.maxEntries || c.bytes > c.maxBytes) {
		free = append(free, c.evictLocked(c.lru.Back().Value.(*cacheEntry))...)
	}
	c.mu.Unlock()
	c.free(free...)
	return e
}

// free finalizes evicted programs (executables and staged buffers).
func (c *programCache) free(ps ...*program) {
	for _, p := range ps {
		p.close()
	}
	c.mu.Lock()
	c.freed += int64(len(ps))
	c.mu.Unlock()
}

// evictLocked removes e from the cache; it returns e's program if nobody runs it (the caller
// frees it), else its last user does. c.mu must be held.
func (c *programCache) evictLocked(e *cacheEntry) []*program {
	c.lru.Remove(e.elem)
	delete(c.m, e.key)
	c.bytes -= e.p.bytes
	c.evictions++
	e.evicted = true
	if e.refs == 0 {
		return []*program{e.p}
	}
	return nil
}

// release drops the reference get or add took; an evicted entry is freed by its last user.
func (c *programCache) release(e *cacheEntry) {
	c.mu.Lock()
	e.refs--
	free := e.evicted && e.refs == 0
	c.mu.Unlock()
	if free {
		c.free(e.p)
	}
}

// drop evicts every entry whose key has the given prefix (Op.Close).
func (c *programCache) drop(prefix string) {
	c.mu.Lock()
	var free []*program
	for k, e := range c.m {
		if len(k) >= len(prefix) && k[:len(prefix)] == prefix {
			free = append(free, c.evictLocked(e)...)
		}
	}
	c.mu.Unlock()
	c.free(free...)
}

// stats returns the number of entries and their estimated bytes.
func (c *programCache) stats() (entries int, bytes int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len(), c.bytes
}
