package policykb

import (
	"errors"
	"fmt"
)

// ErrorCode classifies an error for the API edge; the values are the GraphQL
// extensions.code strings.
type ErrorCode string

// The error codes a client can see.
const (
	EInvalid     ErrorCode = "BAD_USER_INPUT"
	ENotFound    ErrorCode = "NOT_FOUND"
	EUnavailable ErrorCode = "UNAVAILABLE"
	ETimeout     ErrorCode = "TIMEOUT"
	EInternal    ErrorCode = "INTERNAL"
	// EResourceExhausted: the database refused the query for want of
	// memory (a transaction over its limit, the server's pool exhausted).
	// Asking for less (a smaller page, a narrower filter) may succeed.
	EResourceExhausted ErrorCode = "RESOURCE_EXHAUSTED"
	// EForbidden: the request is not allowed (a missing or wrong access
	// token, a Cypher statement that is not a plain read).
	EForbidden ErrorCode = "FORBIDDEN"
)

// Error is an error meant for the user: Message is safe to show, Argument names
// the offending input when there is one, and Err (never shown) keeps the cause.
type Error struct {
	Code     ErrorCode
	Message  string
	Argument string
	Err      error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with a formatted message.
func Errorf(code ErrorCode, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// InvalidArgument returns a BAD_USER_INPUT error naming the argument.
func InvalidArgument(arg, format string, args ...any) *Error {
	return &Error{Code: EInvalid, Argument: arg, Message: fmt.Sprintf(format, args...)}
}

// ErrorCodeOf returns the code of the first *Error in err's chain, or
// EInternal for any other non-nil error.
func ErrorCodeOf(err error) ErrorCode {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}
