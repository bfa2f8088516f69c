package dynamic

// ShellQuote quotes s as one word for a POSIX shell, leaving words of
// safe characters (host:port, pkg.Svc/Method, -flags) bare: the lines
// grpcsh writes for users to paste (explain's grpcurl, the TUI's copy-as).
func ShellQuote(s string) string { return shellQuote(s) }
