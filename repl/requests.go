package repl

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Body is the requests of a call: JSON given on the command's line (and
// the lines it goes on over), or a heredoc, which is read from the script
// as Next is called, so that each message can be sent as soon as it has
// been read. A heredoc body must be read to its end (Next until io.EOF, or
// Drain) before the parser's next command.
type Body struct {
	Pos    Pos    // where the first request or the "<<" is
	Marker string // the heredoc's end marker; "" for JSON on the line
	Expand bool   // ${VAR} is expanded (not in <<'MARKER' heredocs)

	p    *Parser
	reqs []Request
	// The first request and its first segment: most bodies are one
	// request from one line, which is then two allocations fewer.
	reqBuf      [1]Request
	segBuf      [1]segment
	segBufTaken bool
	next        int
	n           int // requests returned
	done        bool
	bad         bool // a syntax error: the rest is skipped to the marker
}

// Next returns the next request, or io.EOF after the last. A syntax error
// in a heredoc is returned once; what follows it, up to the marker, is
// skipped by Drain.
func (b *Body) Next() (Request, error) {
	if b.next < len(b.reqs) {
		r := b.reqs[b.next]
		b.next++
		b.n++
		return r, nil
	}
	if b.done || b.bad || b.p == nil {
		return Request{}, io.EOF
	}
	req, ok, err := b.p.readValue(b)
	if err != nil {
		if !b.done {
			b.bad = true
		}
		return Request{}, err
	}
	if !ok {
		b.done = true
		return Request{}, io.EOF
	}
	b.n++
	return req, nil
}

// Count is how many requests Next has returned so far.
func (b *Body) Count() int { return b.n }

// Drain skips what is left of a heredoc, up to its marker line. It is an
// error when the input ends first.
func (b *Body) Drain() error {
	if b.done || b.p == nil {
		return nil
	}
	b.done = true
	p := b.p
	for p.readLine() {
		if strings.TrimSpace(p.text) == b.Marker {
			p.off = len(p.text)
			return nil
		}
	}
	if p.err != nil {
		return p.err
	}
	return b.eofError("")
}

func (b *Body) eofError(open string) error {
	msg := fmt.Sprintf("the input ended inside the <<%s body that starts here: no line %s closes it", b.Marker, b.Marker)
	if open != "" {
		msg += "; " + open
	}
	return &SyntaxError{Pos: b.Pos, Msg: msg, Open: true}
}

// readAll reads the rest of a heredoc into memory.
func (b *Body) readAll() error {
	var reqs []Request
	for {
		r, err := b.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		reqs = append(reqs, r)
	}
	b.reqs, b.next, b.n = reqs, 0, 0
	return nil
}

// callCommand parses "call METHOD [JSON...|<<END]".
func (p *Parser) callCommand(cmd *Command) error {
	spec := commandByName["call"]
	p.skipBlanks()
	if !p.atEnd() && (p.text[p.off] == '{' || p.text[p.off] == '[') {
		return p.errorf(p.pos(), "call: expected METHOD before the JSON request")
	}
	m, ok, err := p.word()
	if err != nil {
		return err
	}
	if !ok {
		return p.errorf(p.pos(), "call needs METHOD (usage: call %s)", spec.Usage)
	}
	for cmd.Name == "explain" && strings.HasPrefix(m.Text, "-") && !m.Quoted {
		if m, err = p.explainFlag(cmd, m); err != nil {
			return err
		}
	}
	cmd.Args = append(cmd.argBuf[:0], m)
	p.skipBlanks()
	if p.atEnd() || p.text[p.off] == '#' {
		return nil
	}
	if strings.HasPrefix(p.text[p.off:], "<<") {
		return p.heredoc(cmd)
	}
	if p.text[p.off] == '\'' {
		// grpcurl's habit: -d '{...}'. The quoted text is the JSON, as
		// it is (no expansion, as in a shell).
		w, _, err := p.word()
		if err != nil {
			return err
		}
		if rest, ok, _ := p.word(); ok {
			return p.errorf(rest.Pos, "unexpected %q after the quoted JSON request", rest.Text)
		}
		req := Request{JSON: []byte(w.Text), Pos: Pos{w.Pos.Line, w.Pos.Col + 1}}
		req.segs = []segment{{off: 0, pos: req.Pos}}
		if err := checkJSON(req); err != nil {
			return err
		}
		cmd.Body = &Body{Pos: req.Pos, reqs: []Request{req}, done: true}
		return nil
	}
	body := &Body{Pos: p.pos(), Expand: true, p: p}
	body.reqs = body.reqBuf[:0]
	for {
		req, ok, err := p.readValue(body)
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		body.reqs = append(body.reqs, req)
	}
	body.done, body.p = true, nil
	cmd.Body = body
	return nil
}

// checkJSON scans one request given whole on one line (quoted).
func checkJSON(req Request) error {
	var sc jsonScanner
	started := false
	pos := req.Pos
	for i := 0; i <= len(req.JSON); i++ {
		c := byte('\n')
		if i < len(req.JSON) {
			c = req.JSON[i]
			if i > 0 && c&0xC0 != 0x80 {
				pos.Col++
			}
		} else {
			pos.Col++
		}
		if !started {
			if isJSONSpace(c) {
				continue
			}
			started = true
		}
		switch sc.step(c, pos) {
		case scanError:
			return jsonSyntaxError(sc.errPos, sc.errMsg)
		case scanEnd, scanEndBefore:
			for j := i + 1; j < len(req.JSON); j++ {
				if !isJSONSpace(req.JSON[j]) {
					return jsonSyntaxError(req.ScriptPos(1, utf8.RuneCount(req.JSON[:j])+1), "unexpected text after the request")
				}
			}
			return nil
		}
	}
	if !started {
		return jsonSyntaxError(req.Pos, "the quoted request is empty (leave it out to send an empty request)")
	}
	return jsonSyntaxError(req.Pos, "the quoted request is not complete: "+sc.openText())
}

// heredoc parses "<<MARKER" and leaves the body to be read by Body.Next.
func (p *Parser) heredoc(cmd *Command) error {
	start := p.pos()
	p.advance()
	p.advance()
	p.skipBlanks()
	body := &Body{Pos: start, Expand: true, p: p}
	if !p.atEnd() && (p.text[p.off] == '\'' || p.text[p.off] == '"') {
		body.Expand = false
	}
	mstart := p.off
	for !p.atEnd() && (isNameByte(p.text[p.off], false) || p.text[p.off] == '\'' || p.text[p.off] == '"') {
		p.advance()
	}
	raw := p.text[mstart:p.off]
	marker := strings.Trim(raw, `'"`)
	switch {
	case marker == "":
		return p.errorf(start, "expected an end marker after <<, e.g. <<END")
	case !body.Expand && (len(raw) != len(marker)+2 || raw[0] != raw[len(raw)-1]):
		return p.errorf(start, "the marker %s is not quoted properly: write <<'%s' or <<%s", raw, marker, marker)
	case strings.ContainsAny(marker, `'"`):
		return p.errorf(start, "invalid marker %s: use letters, digits and _", raw)
	}
	p.skipBlanks()
	if !p.atEnd() && p.text[p.off] != '#' {
		return p.errorf(p.pos(), "unexpected text after <<%s: the messages go on the following lines, then a line with %s", marker, marker)
	}
	p.skipLine()
	body.Marker = marker
	cmd.Body = body
	p.body = body
	return nil
}

// readValue reads the next JSON value of a body. Between values it skips
// blanks and comments. For JSON on the command's line, it returns false at
// the end of a line where no value is in progress; for a heredoc, at the
// marker line. A value goes on over as many lines as it needs.
func (p *Parser) readValue(b *Body) (req Request, ok bool, err error) {
	var sc jsonScanner
	started := false
	newSeg := true
	var lastExpanded bool
	var lastPos Pos
	emit := func(c byte, pos Pos, expanded bool) {
		if newSeg || expanded != lastExpanded || (expanded && pos != lastPos) {
			req.segs = append(req.segs, segment{off: len(req.JSON), pos: pos, expanded: expanded})
			newSeg = false
		}
		lastExpanded, lastPos = expanded, pos
		req.JSON = append(req.JSON, c)
	}
	fail := func() (Request, bool, error) {
		err := jsonSyntaxError(sc.errPos, sc.errMsg)
		p.pending = nil
		if b.Marker == "" {
			p.skipJSON(len(sc.stack), sc.inString())
		} else {
			p.skipLine()
		}
		return Request{}, false, err
	}
	for {
		var c byte
		var pos Pos
		expanded := false
		switch {
		case len(p.pending) > 0:
			c, pos, expanded = p.pending[0], p.pendingPos, true
		case !p.atEnd():
			c, pos = p.text[p.off], p.pos()
			if c == '#' && !sc.inString() {
				p.skipLine()
				continue
			}
			if c == '$' && b.Expand && p.peekAt(1) == '$' && p.peekAt(2) == '{' {
				// $${ is a literal ${.
				p.advance()
				c, pos = '$', p.pos()
				newSeg = true
			} else if c == '$' && b.Expand && p.peekAt(1) == '{' {
				v, err := p.expandVar()
				if err != nil {
					p.pending = nil
					if b.Marker == "" {
						p.skipJSON(len(sc.stack), sc.inString())
					} else {
						p.skipLine()
					}
					return Request{}, false, err
				}
				if sc.inString() {
					v = jsonEscape(v)
				}
				p.pending, p.pendingPos = []byte(v), pos
				newSeg = true
				continue
			}
		default:
			// The end of the line.
			if started {
				switch sc.step('\n', p.pos()) {
				case scanError:
					return fail()
				case scanEndBefore:
					return req, true, nil
				}
				emit('\n', p.pos(), false)
			} else if b.Marker == "" {
				return Request{}, false, nil
			}
			if !p.readLine() {
				if p.err != nil {
					return Request{}, false, p.err
				}
				open := ""
				if started {
					open = sc.openText()
				}
				if b.Marker != "" {
					b.done = true
					if open != "" {
						open = "a message is not complete: " + open
					}
					return Request{}, false, b.eofError(open)
				}
				err := jsonSyntaxError(req.Pos, "the input ended inside the request that starts here: "+open)
				err.Open = true
				return Request{}, false, err
			}
			if b.Marker != "" && strings.TrimSpace(p.text) == b.Marker {
				p.skipLine()
				if started {
					b.done = true
					return Request{}, false, jsonSyntaxError(Pos{p.line, 1},
						fmt.Sprintf("the line %s came before the message that starts at %s was complete: %s", b.Marker, req.Pos, sc.openText()))
				}
				return Request{}, false, nil
			}
			continue
		}
		consume := func() {
			if expanded {
				p.pending = p.pending[1:]
			} else {
				p.advance()
			}
		}
		if !started {
			if isJSONSpace(c) {
				consume()
				continue
			}
			if !expanded && strings.HasPrefix(p.text[p.off:], "\ufeff") {
				// A byte-order mark (a file pasted from some editors)
				// is no part of the JSON.
				p.advance()
				p.advance()
				p.advance()
				continue
			}
			started = true
			req.Pos = pos
			if !b.segBufTaken {
				req.segs, b.segBufTaken = b.segBuf[:0], true
			}
			// Most requests are on one line: room for the rest of it.
			req.JSON = make([]byte, 0, len(p.text)-p.off+len(p.pending))
		}
		switch sc.step(c, pos) {
		case scanError:
			// The bad byte is read again by skipJSON, which counts it.
			return fail()
		case scanEnd:
			emit(c, pos, expanded)
			consume()
			return req, true, nil
		case scanEndBefore:
			return req, true, nil
		}
		emit(c, pos, expanded)
		consume()
	}
}

// skipJSON skips, after a syntax error, what is left of a JSON value that
// had depth containers open: brackets are counted (outside strings) until
// they close, so that the lines of a broken request are not read as
// commands.
func (p *Parser) skipJSON(depth int, inString bool) {
	for depth > 0 {
		for !p.atEnd() && depth > 0 {
			c := p.text[p.off]
			switch {
			case inString && c == '\\':
				p.advance()
			case inString && c == '"':
				inString = false
			case inString:
			case c == '"':
				inString = true
			case c == '{' || c == '[':
				depth++
			case c == '}' || c == ']':
				depth--
			case c == '#':
				p.skipLine()
				continue
			}
			if !p.atEnd() {
				p.advance()
			}
		}
		// A string left open at the end of a line is taken to go on
		// on the next (the usual mistake): its quote closes it.
		if depth == 0 || !p.readLine() {
			break
		}
	}
	p.skipLine()
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// jsonEscape escapes s for the inside of a JSON string.
func jsonEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
