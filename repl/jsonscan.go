package repl

import (
	"fmt"
	"strings"
)

// The JSON scanner: a push scanner that is fed one byte at a time, so that
// a request can be read line by line and checked as it is read, with
// errors that point at the byte and say what was expected.
//
// Why this is hand-written, when -d's requests are read with encoding/json
// (dynamic.JSONStream) and every request becomes a message through one
// function (dynamic.ParseJSON, errors as *dynamic.JSONError): a script's
// JSON is not plain JSON text. It shares its lines with the command
// language: "#" comments may follow any line of a value, ${VAR} is
// expanded as it is read (inside strings escaped, outside as it is: {"n":
// ${N}}), a value ends where the next command may begin on the next line,
// and after a mistake the rest of the value is skipped (skipJSON) so that
// its lines are not run as commands. encoding/json's scanner is not
// exported and its Decoder wants the whole value as JSON text
// (TestScriptJSONIsNotPlainJSON shows what it refuses); a script's errors
// say what was expected where ("expected a field name after ',', found
// '}' (JSON allows no trailing comma)"), which TestLangJSONErrors and the
// script goldens pin. So the scanner only finds where a value ends and
// checks its syntax; what a value means is ParseJSON's.
const (
	scanContinue  = iota
	scanEnd       // the value ended with this byte
	scanEndBefore // the value ended before this byte (numbers, literals)
	scanError
)

const (
	sValue    = iota // a value is expected
	sArrFirst        // after '['
	sObjFirst        // after '{'
	sObjKey          // after ',' in an object
	sColon           // after a key
	sAfter           // after a value inside a container
	sString
	sEsc
	sHex
	sNumMinus
	sNumZero
	sNumInt
	sNumDot
	sNumFrac
	sNumE
	sNumESign
	sNumExp
	sWord
	sDone
)

type jsonOpen struct {
	c   byte
	pos Pos
}

type jsonScanner struct {
	state      int
	stack      []jsonOpen
	strKey     bool
	strPos     Pos
	hex        int
	word       []byte
	wordPos    Pos
	afterComma bool
	errPos     Pos
	errMsg     string
}

func (s *jsonScanner) inString() bool {
	return s.state == sString || s.state == sEsc || s.state == sHex
}

func (s *jsonScanner) fail(pos Pos, format string, args ...any) int {
	s.errPos, s.errMsg = pos, fmt.Sprintf(format, args...)
	return scanError
}

func (s *jsonScanner) endValue() int {
	if len(s.stack) == 0 {
		s.state = sDone
		return scanEnd
	}
	s.state = sAfter
	return scanContinue
}

// endBefore ends a number or a literal before c, which is then read.
func (s *jsonScanner) endBefore(c byte, pos Pos) int {
	if len(s.stack) == 0 {
		s.state = sDone
		return scanEndBefore
	}
	s.state = sAfter
	return s.step(c, pos)
}

func found(c byte) string {
	switch {
	case c == '\n':
		return "the end of the line"
	case c >= 0x80:
		return "a non-ASCII character"
	case c < 0x20 || c == 0x7f:
		return fmt.Sprintf("%q", c)
	}
	return "'" + string(c) + "'"
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func (s *jsonScanner) step(c byte, pos Pos) int {
	switch s.state {
	case sValue, sArrFirst, sObjFirst, sObjKey, sColon, sAfter:
		if isJSONSpace(c) {
			return scanContinue
		}
	}
	switch s.state {
	case sValue:
		return s.beginValue(c, pos)
	case sArrFirst:
		if c == ']' {
			s.stack = s.stack[:len(s.stack)-1]
			return s.endValue()
		}
		return s.beginValue(c, pos)
	case sObjFirst, sObjKey:
		switch {
		case c == '"':
			s.state, s.strKey, s.strPos = sString, true, pos
			return scanContinue
		case c == '}' && s.state == sObjFirst:
			s.stack = s.stack[:len(s.stack)-1]
			return s.endValue()
		case c == '}':
			return s.fail(pos, "expected a field name after ',', found '}' (JSON allows no trailing comma)")
		case c == '\'':
			return s.fail(pos, "expected a field name in double quotes, found ' (JSON strings take double quotes)")
		case s.state == sObjFirst:
			return s.fail(pos, "expected a field name in double quotes or '}', found %s", found(c))
		}
		return s.fail(pos, "expected a field name in double quotes, found %s", found(c))
	case sColon:
		if c == ':' {
			s.state, s.afterComma = sValue, false
			return scanContinue
		}
		return s.fail(pos, "expected ':' after the field name, found %s", found(c))
	case sAfter:
		top := s.stack[len(s.stack)-1].c
		switch {
		case c == ',' && top == '{':
			s.state = sObjKey
			return scanContinue
		case c == ',':
			s.state, s.afterComma = sValue, true
			return scanContinue
		case c == '}' && top == '{', c == ']' && top == '[':
			s.stack = s.stack[:len(s.stack)-1]
			return s.endValue()
		case top == '{':
			return s.fail(pos, "expected ',' or '}', found %s", found(c))
		}
		return s.fail(pos, "expected ',' or ']', found %s", found(c))
	case sString:
		switch {
		case c == '"':
			if s.strKey {
				s.state = sColon
				return scanContinue
			}
			return s.endValue()
		case c == '\\':
			s.state = sEsc
		case c == '\n':
			return s.fail(s.strPos, "the string that starts here is not closed on its line (write \\n for a newline inside a string)")
		case c < 0x20:
			return s.fail(pos, "control character %q in a string: write it as an escape", c)
		}
		return scanContinue
	case sEsc:
		switch {
		case strings.IndexByte(`"\/bfnrt`, c) >= 0:
			s.state = sString
		case c == 'u':
			s.state, s.hex = sHex, 0
		default:
			return s.fail(pos, "invalid escape \\%s in a string (JSON has \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)", strings.Trim(found(c), "'"))
		}
		return scanContinue
	case sHex:
		if isDigit(c) || (c|0x20) >= 'a' && (c|0x20) <= 'f' {
			s.hex++
			if s.hex == 4 {
				s.state = sString
			}
			return scanContinue
		}
		return s.fail(pos, "invalid \\u escape: expected 4 hexadecimal digits, found %s", found(c))
	case sNumMinus:
		switch {
		case c == '0':
			s.state = sNumZero
		case isDigit(c):
			s.state = sNumInt
		default:
			return s.fail(pos, "invalid number: expected a digit after '-', found %s", found(c))
		}
		return scanContinue
	case sNumZero, sNumInt, sNumFrac:
		switch {
		case isDigit(c) && s.state == sNumZero:
			return s.fail(pos, "invalid number: a number cannot start with 0 followed by digits")
		case isDigit(c):
			return scanContinue
		case c == '.' && s.state != sNumFrac:
			s.state = sNumDot
			return scanContinue
		case c == 'e' || c == 'E':
			s.state = sNumE
			return scanContinue
		}
		return s.endBefore(c, pos)
	case sNumDot:
		if isDigit(c) {
			s.state = sNumFrac
			return scanContinue
		}
		return s.fail(pos, "invalid number: expected a digit after '.', found %s", found(c))
	case sNumE, sNumESign:
		switch {
		case isDigit(c):
			s.state = sNumExp
		case (c == '+' || c == '-') && s.state == sNumE:
			s.state = sNumESign
		default:
			return s.fail(pos, "invalid number: expected a digit in the exponent, found %s", found(c))
		}
		return scanContinue
	case sNumExp:
		if isDigit(c) {
			return scanContinue
		}
		return s.endBefore(c, pos)
	case sWord:
		if c == '_' || isDigit(c) || (c|0x20) >= 'a' && (c|0x20) <= 'z' {
			s.word = append(s.word, c)
			return scanContinue
		}
		switch w := string(s.word); w {
		case "true", "false", "null":
			return s.endBefore(c, pos)
		default:
			return s.fail(s.wordPos, "expected a value, found %s (strings take double quotes)", w)
		}
	case sDone:
		return s.fail(pos, "unexpected %s after the value", found(c))
	}
	return s.fail(pos, "internal error: JSON scanner state %d", s.state)
}

func (s *jsonScanner) beginValue(c byte, pos Pos) int {
	switch {
	case c == '{':
		s.stack = append(s.stack, jsonOpen{'{', pos})
		s.state = sObjFirst
	case c == '[':
		s.stack = append(s.stack, jsonOpen{'[', pos})
		s.state = sArrFirst
	case c == '"':
		s.state, s.strKey, s.strPos = sString, false, pos
	case c == '-':
		s.state = sNumMinus
	case c == '0':
		s.state = sNumZero
	case isDigit(c):
		s.state = sNumInt
	case (c|0x20) >= 'a' && (c|0x20) <= 'z':
		s.state, s.word, s.wordPos = sWord, append(s.word[:0], c), pos
	case c == '\'':
		return s.fail(pos, "JSON strings take double quotes, found '")
	case (c == ']' || c == '}') && len(s.stack) == 0:
		return s.fail(pos, "found '%c' outside any object or array: one too many?", c)
	case (c == ']' || c == '}') && s.afterComma:
		return s.fail(pos, "expected a value after ',', found '%c' (JSON allows no trailing comma)", c)
	default:
		return s.fail(pos, "expected a value (an object, array, string, number, true, false or null), found %s", found(c))
	}
	s.afterComma = false
	return scanContinue
}

// openText says what is still open, for errors at the end of the input.
func (s *jsonScanner) openText() string {
	if len(s.stack) == 0 {
		return "the value is not complete"
	}
	var parts []string
	for _, o := range s.stack {
		parts = append(parts, fmt.Sprintf("'%c' at %s", o.c, o.pos))
	}
	verb := "is"
	if len(parts) > 1 {
		verb = "are"
	}
	closers := ""
	for i := len(s.stack) - 1; i >= 0; i-- {
		closers += map[byte]string{'{': "}", '[': "]"}[s.stack[i].c]
	}
	return fmt.Sprintf("%s %s not closed (expected %s)", joinAnd(parts), verb, closers)
}
