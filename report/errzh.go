package report

import "regexp"

// inputErrorsZh says in Chinese what the converters' English errors say
// (ingest raises them in English; the detail stays in the JSON output's
// error): the limit a file broke or why it could not be opened. The first
// pattern that matches wins, so the more specific come first.
var inputErrorsZh = []struct {
	re *regexp.Regexp
	zh string
}{
	{regexp.MustCompile(`more than (\d+) cells in one (?:table )?row`), "表格一行超过${1}个单元格"},
	{regexp.MustCompile(`(?:more than (\d+) table cells|\d+ cells, more than the limit of (\d+))`), "表格单元格超过${1}${2}个"},
	{regexp.MustCompile(`the PDF has (\d+) pages, more than the limit of (\d+)`), "PDF共${1}页，超过上限${2}页"},
	{regexp.MustCompile(`(?:more than (\d+) lines|\d+ lines, more than the limit of (\d+))`), "超过${1}${2}行"},
	{regexp.MustCompile(`longer than (?:the )?(\d+) bytes`), "一段文字或一个单元格超过${1}字节"},
	{regexp.MustCompile(`expands beyond (\d+) bytes`), "DOCX解压后超过${1}字节"},
	{regexp.MustCompile(`has (\d+) zip entries, more than the limit of (\d+)`), "DOCX内含${1}个文件，超过上限${2}个"},
	{regexp.MustCompile(`nested deeper than (\d+)`), "文档结构嵌套超过${1}层"},
	{regexp.MustCompile(`more than (\d+) (?:pages|words)`), "PDF内容超过处理上限"},
	{regexp.MustCompile(`not a readable PDF|pdftotext could not read`), "不是可读取的PDF文件"},
	{regexp.MustCompile(`PDF input needs poppler`), "本机未安装PDF转换工具（poppler-utils）"},
	{regexp.MustCompile(`not a DOCX`), "不是有效的DOCX文件"},
	{regexp.MustCompile(`unknown text encoding|cannot be decoded|not valid UTF-8|odd number of bytes`), "无法识别文字编码"},
	{regexp.MustCompile(`unsupported input format`), "不支持的文件格式"},
	{regexp.MustCompile(`no such file`), "文件不存在"},
	{regexp.MustCompile(`permission denied`), "没有读取权限"},
	{regexp.MustCompile(`is a directory|not a regular file`), "不是普通文件"},
	{regexp.MustCompile(`larger than|too large|file size`), "文件超过大小上限"},
}

// inputErrorZh is the Chinese of an input error, "" when no pattern knows
// it.
func inputErrorZh(err string) string {
	for _, p := range inputErrorsZh {
		if m := p.re.FindStringSubmatchIndex(err); m != nil {
			return string(p.re.ExpandString(nil, p.zh, err, m))
		}
	}
	return ""
}
