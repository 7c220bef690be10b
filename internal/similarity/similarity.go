// Package similarity finds code two submissions share, the way MOSS does:
// winnowed fingerprints of a normalised token stream (Schleimer, Wilkerson
// and Aiken, "Winnowing: local algorithms for document fingerprinting",
// SIGMOD 2003).
//
// A Go file becomes the tokens go/scanner reads, with every identifier one
// token ID and every literal one token LIT, comments dropped and each
// semicolon (written or implied by a line end) one token ";" — so renaming
// variables, editing comments or reformatting changes nothing. Every k
// consecutive tokens (a k-gram) are hashed; winnowing keeps, in every window of
// w consecutive hashes, the smallest (the rightmost on a tie), which
// guarantees that any run of at least w+k−1 tokens the two files share yields
// a shared fingerprint, and that runs shorter than k never do. Fingerprints
// do not depend on where the code is, so reordering functions changes nothing
// either. The k-grams of a base file (the stub every student started from)
// are removed from each file's fingerprints, and a Corpus leaves out the
// fingerprints common to many files (code everyone writes the same way).
package similarity

import (
	"go/scanner"
	"go/token"
	"hash/fnv"
	"sort"
	"strings"
)

// Defaults: k-grams of 12 tokens, windows of 8 hashes: every shared run of 19
// tokens or more (about two lines of Go) is found.
const (
	DefaultK = 12
	DefaultW = 8
)

// Token is one normalised token: its kind ("ID", "LIT", or the token's own
// text for keywords and operators) and the line it is on.
type Token struct {
	Kind string
	Line int
}

// Tokens reads src as Go and returns its normalised tokens. What go/scanner
// cannot read is skipped (a file need not compile to be compared).
func Tokens(src []byte) []Token {
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	var s scanner.Scanner
	s.Init(file, src, func(token.Position, string) {}, 0) // comments skipped
	var out []Token
	for {
		pos, tok, _ := s.Scan()
		if tok == token.EOF {
			return out
		}
		kind := tok.String()
		switch {
		case tok == token.IDENT:
			kind = "ID"
		case tok.IsLiteral():
			kind = "LIT"
		case tok == token.SEMICOLON:
			kind = ";"
		case tok == token.ILLEGAL:
			continue
		}
		out = append(out, Token{Kind: kind, Line: fset.Position(pos).Line})
	}
}

// Fingerprint is one selected k-gram hash and the tokens it covers: [Start, Start+k).
type Fingerprint struct {
	Hash  uint64
	Start int
}

// Doc is one file ready to compare: its tokens and fingerprints.
type Doc struct {
	Name   string
	Tokens []Token
	Prints []Fingerprint
	k      int
}

// hashes returns the hash of every k-gram of toks.
func hashes(toks []Token, k int) []uint64 {
	if len(toks) < k {
		return nil
	}
	out := make([]uint64, 0, len(toks)-k+1)
	h := fnv.New64a()
	for i := 0; i+k <= len(toks); i++ {
		h.Reset()
		for _, t := range toks[i : i+k] {
			h.Write([]byte(t.Kind))
			h.Write([]byte{0})
		}
		out = append(out, h.Sum64())
	}
	return out
}

// winnow selects, in every window of w consecutive hashes, the smallest (the
// rightmost on a tie), each position once.
func winnow(hs []uint64, w int) []Fingerprint {
	var out []Fingerprint
	last := -1
	if len(hs) > 0 && len(hs) < w {
		w = len(hs)
	}
	for i := 0; i+w <= len(hs); i++ {
		m := i
		for j := i; j < i+w; j++ {
			if hs[j] <= hs[m] {
				m = j
			}
		}
		if m != last {
			out = append(out, Fingerprint{Hash: hs[m], Start: m})
			last = m
		}
	}
	return out
}

// NewDoc fingerprints src (k-grams of k tokens, windows of w), leaving out
// every k-gram of base (nil: none).
func NewDoc(name string, src, base []byte, k, w int) *Doc {
	d := &Doc{Name: name, Tokens: Tokens(src), k: k}
	skip := map[uint64]bool{}
	for _, h := range hashes(Tokens(base), k) {
		skip[h] = true
	}
	for _, f := range winnow(hashes(d.Tokens, k), w) {
		if !skip[f.Hash] {
			d.Prints = append(d.Prints, f)
		}
	}
	return d
}

// Block is a run of lines one file shares with the other: lines [A1, A2] of
// the first, [B1, B2] of the second.
type Block struct {
	A1, A2, B1, B2 int
}

// Match is what two documents share.
type Match struct {
	A, B *Doc
	// Shared counts the distinct fingerprints both have.
	Shared int
	// Score is Shared over the fingerprints of the document that has fewer:
	// 1 when one holds all of the other.
	Score float64
	// Tokens counts the tokens of A the shared fingerprints cover.
	Tokens int
	Blocks []Block
}

// Compare returns what a and b share, leaving out the fingerprints in common (nil: none).
func Compare(a, b *Doc, common map[uint64]bool) Match {
	m := Match{A: a, B: b}
	inB := map[uint64][]int{}
	nb := 0
	for _, f := range b.Prints {
		if common[f.Hash] {
			continue
		}
		if len(inB[f.Hash]) == 0 {
			nb++
		}
		inB[f.Hash] = append(inB[f.Hash], f.Start)
	}
	na := 0
	seen := map[uint64]bool{}
	covered := make([]bool, len(a.Tokens))
	type pair struct{ a, b int }
	var pairs []pair
	for _, f := range a.Prints {
		if common[f.Hash] {
			continue
		}
		if !seen[f.Hash] {
			na++
		}
		starts, ok := inB[f.Hash]
		if !ok {
			seen[f.Hash] = true
			continue
		}
		if !seen[f.Hash] {
			m.Shared++
		}
		seen[f.Hash] = true
		for i := f.Start; i < f.Start+a.k && i < len(covered); i++ {
			covered[i] = true
		}
		pairs = append(pairs, pair{f.Start, starts[0]})
	}
	for _, c := range covered {
		if c {
			m.Tokens++
		}
	}
	if n := min(na, nb); n > 0 {
		m.Score = float64(m.Shared) / float64(n)
	}
	// Blocks: consecutive shared k-grams, in a's order, that also follow each other in b.
	sort.Slice(pairs, func(i, j int) bool { return pairs[i].a < pairs[j].a })
	line := func(d *Doc, i int) int { return d.Tokens[min(i, len(d.Tokens)-1)].Line }
	for _, p := range pairs {
		a1, a2 := line(a, p.a), line(a, p.a+a.k-1)
		b1, b2 := line(b, p.b), line(b, p.b+b.k-1)
		if n := len(m.Blocks); n > 0 {
			last := &m.Blocks[n-1]
			if a1 <= last.A2+1 && b1 <= last.B2+1 && b2 >= last.B1-1 {
				last.A2, last.B1, last.B2 = max(last.A2, a2), min(last.B1, b1), max(last.B2, b2)
				continue
			}
		}
		m.Blocks = append(m.Blocks, Block{a1, a2, b1, b2})
	}
	return m
}

// Corpus compares many documents: every pair, through an index from each
// fingerprint to the documents that have it.
type Corpus struct {
	Docs []*Doc
	// MaxShare leaves out a fingerprint found in more than this many documents
	// (code everyone writes the same way); 0: max(10, a fifth of the documents).
	MaxShare int
}

// Pairs returns every pair of documents sharing at least minTokens tokens
// with a score of at least minScore, the most shared first.
func (c *Corpus) Pairs(minScore float64, minTokens int) []Match {
	limit := c.MaxShare
	if limit == 0 {
		limit = max(10, len(c.Docs)/5)
	}
	holders := map[uint64]map[int]bool{}
	for i, d := range c.Docs {
		for _, f := range d.Prints {
			if holders[f.Hash] == nil {
				holders[f.Hash] = map[int]bool{}
			}
			holders[f.Hash][i] = true
		}
	}
	common := map[uint64]bool{}
	pairs := map[[2]int]bool{}
	for h, docs := range holders {
		if len(docs) > limit {
			common[h] = true
			continue
		}
		ids := make([]int, 0, len(docs))
		for i := range docs {
			ids = append(ids, i)
		}
		sort.Ints(ids)
		for x := 0; x < len(ids); x++ {
			for y := x + 1; y < len(ids); y++ {
				pairs[[2]int{ids[x], ids[y]}] = true
			}
		}
	}
	var out []Match
	for p := range pairs {
		m := Compare(c.Docs[p[0]], c.Docs[p[1]], common)
		if m.Score >= minScore && m.Tokens >= minTokens {
			out = append(out, m)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Tokens != out[j].Tokens {
			return out[i].Tokens > out[j].Tokens
		}
		return out[i].A.Name+"\x00"+out[i].B.Name < out[j].A.Name+"\x00"+out[j].B.Name
	})
	return out
}

// Lines returns lines [from, to] of src (1-based), for showing a block.
func Lines(src []byte, from, to int) string {
	lines := strings.Split(string(src), "\n")
	from, to = max(from, 1), min(to, len(lines))
	if from > to {
		return ""
	}
	return strings.Join(lines[from-1:to], "\n")
}
