package server

import (
	"net/http"
	"strings"
)

// text is one message in both languages.
type text struct{ Zh, En string }

func (t text) pick(lang string) string { return pick(lang, t.Zh, t.En) }

func pick(lang, zh, en string) string {
	if lang == "en" {
		return en
	}
	return zh
}

// langCookie keeps the language a person chose.
const langCookie = "ogi_lang"

// langOf is the page language: ?lang= first (and remembered), then the
// cookie, then Chinese.
func langOf(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l == "en" || l == "zh" {
		return l
	}
	if c, err := r.Cookie(langCookie); err == nil && (c.Value == "en" || c.Value == "zh") {
		return c.Value
	}
	return "zh"
}

// msgText is a message by key; an unknown key is shown as itself so that a
// missing entry is seen in the browser tests, not hidden.
func msgText(key string) text {
	if t, ok := labels[key]; ok {
		return t
	}
	return text{key, key}
}

// labels are every word the pages and the API's messages show.
var labels = map[string]text{
	"app":                  {"政府信息公开年报核查", "Annual report checks"},
	"batches":              {"评估批次", "Batches"},
	"new_batch":            {"新建评估批次", "New batch"},
	"name":                 {"名称", "Name"},
	"year":                 {"报告年度", "Report year"},
	"profile":              {"评分方案", "Scoring profile"},
	"jurisdiction":         {"适用规定", "Jurisdiction"},
	"roster":               {"应报单位名单（CSV，可选）", "Roster of bodies (CSV, optional)"},
	"create":               {"创建", "Create"},
	"state":                {"状态", "State"},
	"reports":              {"报告数", "Reports"},
	"created":              {"创建时间", "Created"},
	"created_by":           {"创建人", "Created by"},
	"state_draft":          {"待运行", "not run yet"},
	"state_queued":         {"排队中", "queued"},
	"state_running":        {"核查中", "checking"},
	"state_done":           {"已完成", "done"},
	"state_failed":         {"失败", "failed"},
	"phase_convert":        {"转换", "converting"},
	"phase_check":          {"核查", "checking"},
	"add_files":            {"添加报告", "Add reports"},
	"drop_here":            {"将报告文件或 zip 压缩包拖到此处，或点击选择文件（PDF、DOCX、HTML、TXT）", "Drop report files or a zip here, or click to choose (PDF, DOCX, HTML, TXT)"},
	"upload":               {"上传", "Upload"},
	"urls":                 {"从网址下载（每行一个）", "Download from URLs (one per line)"},
	"download":             {"下载", "Download"},
	"from_roster":          {"按名单中的网址下载", "Download the roster's URLs"},
	"run":                  {"开始核查", "Check now"},
	"rerun":                {"重新核查", "Check again"},
	"progress":             {"进度", "Progress"},
	"overview":             {"总览", "Overview"},
	"review":               {"问题审核", "Review"},
	"exports":              {"导出", "Exports"},
	"files":                {"文件", "Files"},
	"file":                 {"文件", "File"},
	"size":                 {"大小", "Size"},
	"source":               {"来源", "Source"},
	"remove":               {"移除", "Remove"},
	"agency":               {"单位", "Body"},
	"score":                {"得分", "Score"},
	"grade":                {"等次", "Grade"},
	"rank":                 {"排名", "Rank"},
	"errors":               {"错误", "Errors"},
	"warnings":             {"警告", "Warnings"},
	"findings":             {"问题", "Findings"},
	"coverage":             {"公开情况", "Coverage"},
	"present":              {"已公开", "published"},
	"missing":              {"未公开", "missing"},
	"late":                 {"逾期", "late"},
	"unreadable":           {"无法读取", "unreadable"},
	"scores":               {"得分分布", "Score distribution"},
	"categories":           {"问题类别", "Findings by category"},
	"top_rules":            {"问题最多的规则", "Rules failing most"},
	"ranking":              {"排名", "Ranking"},
	"filter":               {"筛选", "Filter"},
	"all":                  {"全部", "all"},
	"region":               {"地区", "Region"},
	"body_type":            {"单位类型", "Body type"},
	"type_government":      {"人民政府", "government"},
	"type_department":      {"政府部门", "department"},
	"type_township":        {"乡镇（街道）", "township"},
	"type_unknown":         {"未识别", "unknown"},
	"rule":                 {"规则", "Rule"},
	"count":                {"数量", "Count"},
	"reports_failing":      {"涉及报告", "Reports"},
	"original":             {"下载原文件", "Download the original"},
	"compare_prev":         {"与上年报告对照", "Compare with last year"},
	"no_prev":              {"没有找到该单位上一年度的报告", "No report of this body for the year before"},
	"tables":               {"报告表格", "Tables"},
	"evidence":             {"依据", "Evidence"},
	"cells":                {"单元格", "Cells"},
	"line":                 {"行", "line"},
	"page":                 {"页", "page"},
	"verdict":              {"核实结论", "Verdict"},
	"reason":               {"理由", "Reason"},
	"owner":                {"整改责任人", "Owner"},
	"due":                  {"整改期限", "Due"},
	"confirm":              {"确认", "Confirm"},
	"dismiss":              {"不成立", "Dismiss"},
	"rectify":              {"交办整改", "Send for rectification"},
	"rectified":            {"已整改", "Rectified"},
	"undo":                 {"撤销结论", "Withdraw"},
	"verdict_confirmed":    {"确认", "confirmed"},
	"verdict_dismissed":    {"不成立", "dismissed"},
	"verdict_rectify":      {"整改中", "being rectified"},
	"verdict_rectified":    {"已整改", "rectified"},
	"verdict_reopened":     {"需重新核实", "to review again"},
	"verdict_none":         {"未审核", "not reviewed"},
	"history":              {"审核记录", "History"},
	"decided_by":           {"审核人", "By"},
	"decided_at":           {"时间", "When"},
	"bulk":                 {"对选中的问题", "For the selected findings"},
	"apply":                {"执行", "Apply"},
	"select_all":           {"全选", "Select all"},
	"reason_required":      {"“不成立”必须填写理由", "A dismissal needs a reason"},
	"owner_due_required":   {"交办整改须填写责任人和期限（YYYY-MM-DD）", "Rectification needs an owner and a due date (YYYY-MM-DD)"},
	"bad_verdict":          {"未知的核实结论", "Unknown verdict"},
	"no_findings":          {"未选择问题", "No finding selected"},
	"unknown_finding":      {"该批次中没有这个问题编号", "No such finding in this batch"},
	"decided":              {"已记录审核结论", "Decision recorded"},
	"export_xlsx":          {"Excel 工作簿", "Excel workbook"},
	"export_csv":           {"CSV 表格", "CSV"},
	"export_circular":      {"通报（Word）", "Circular (Word)"},
	"export_json":          {"JSON 结果", "JSON results"},
	"export_dashboard":     {"离线总览（HTML）", "Offline dashboard (HTML)"},
	"export_zip":           {"整批打包（zip）", "Whole batch (zip)"},
	"account":              {"我的账户", "My account"},
	"users":                {"用户管理", "Users"},
	"audit":                {"操作日志", "Audit log"},
	"logout":               {"退出", "Sign out"},
	"login":                {"登录", "Sign in"},
	"username":             {"用户名", "User name"},
	"display":              {"姓名", "Full name"},
	"password":             {"密码", "Password"},
	"password2":            {"再次输入密码", "Password again"},
	"role":                 {"角色", "Role"},
	"disabled":             {"已停用", "disabled"},
	"disable":              {"停用", "Disable"},
	"enable":               {"启用", "Enable"},
	"save":                 {"保存", "Save"},
	"new_password":         {"新密码", "New password"},
	"change_password":      {"修改密码", "Change password"},
	"current_password":     {"当前密码", "Current password"},
	"tokens":               {"API 令牌（供脚本使用）", "API tokens (for scripts)"},
	"token_name":           {"令牌用途", "What the token is for"},
	"new_token":            {"生成令牌", "Create token"},
	"token_shown_once":     {"请立即复制此令牌，它只显示这一次：", "Copy this token now; it is shown only once:"},
	"revoke":               {"吊销", "Revoke"},
	"at":                   {"时间", "When"},
	"actor":                {"操作人", "Who"},
	"action":               {"操作", "Action"},
	"target":               {"对象", "Target"},
	"detail":               {"详情", "Detail"},
	"remote":               {"来源地址", "From"},
	"older":                {"更早", "Older"},
	"setup_title":          {"创建第一个管理员账户", "Create the first administrator"},
	"setup_done":           {"初始设置已完成或链接无效，请直接登录。", "Setup is done or the link is not valid: sign in."},
	"setup_hint":           {"尚未创建账户：请使用 ogi serve 启动时显示的设置链接。", "No account yet: open the setup link ogi serve printed when it started."},
	"login_failed":         {"用户名或密码不正确", "Wrong user name or password"},
	"login_limited":        {"尝试次数过多，请稍后再试", "Too many attempts: try again in a minute"},
	"unauthorized":         {"请先登录", "Sign in first"},
	"forbidden":            {"您的角色无权执行此操作", "Your role does not allow this"},
	"not_found":            {"页面不存在", "Not found"},
	"bad_request":          {"请求有误", "Bad request"},
	"server_error":         {"服务器内部错误，已记录", "Internal error (logged)"},
	"bad_name":             {"用户名须为 1–64 个字符，不含空格和 / \\ < > \" '", "A user name is 1–64 characters without spaces or / \\ < > \" '"},
	"password_mismatch":    {"两次输入的密码不一致", "The passwords differ"},
	"user_exists":          {"该用户名已存在", "That user name is taken"},
	"wrong_password":       {"当前密码不正确", "The current password is wrong"},
	"saved":                {"已保存", "Saved"},
	"no_reports":           {"该批次还没有核查结果。添加报告后点击“开始核查”。", "No results yet: add reports, then Check now."},
	"added":                {"已添加", "Added"},
	"skipped":              {"跳过", "Skipped"},
	"refused":              {"已拒绝", "Refused"},
	"duplicate":            {"重复文件，已跳过", "duplicate, skipped"},
	"bad_year":             {"报告年度应为 2008 至 2100 之间的年份", "The report year must be between 2008 and 2100"},
	"bad_roster":           {"名单无法读取", "The roster cannot be read"},
	"no_roster_urls":       {"名单中没有网址（url 列）", "The roster has no URLs (url column)"},
	"too_large":            {"上传内容超过大小限制", "The upload is over the size limit"},
	"busy":                 {"该批次正在核查，完成后才能修改", "The batch is being checked: change it when it is done"},
	"lang_switch":          {"English", "中文"},
	"status":               {"状态", "Status"},
	"severity":             {"级别", "Severity"},
	"message":              {"说明", "Message"},
	"no_score":             {"无法评分", "no score"},
	"this_year":            {"本年度", "This year"},
	"last_year":            {"上年度", "Last year"},
	"open_report":          {"查看", "Open"},
	"result_of":            {"核查结果", "Result"},
	"stale":                {"有审核结论在本次核查之后作出：得分、问题数和排名仍按上次核查计算，点击“重新核查”即可更新（审核结论会保留）。", "Decisions were made after this run: scores, counts and ranks are the run's until you check the batch again (the decisions are kept)."},
	"library":              {"评分方案与名单", "Profiles and rosters"},
	"stored_roster":        {"已保存的应报单位名单", "Saved roster"},
	"upload_profile":       {"上传评分方案（YAML）", "Upload a scoring profile (YAML)"},
	"upload_roster":        {"上传应报单位名单（CSV）", "Upload a roster (CSV)"},
	"builtin":              {"内置", "built in"},
	"bodies":               {"单位数", "Bodies"},
	"delete":               {"删除", "Delete"},
	"audit_library.put":    {"保存评分方案或名单", "profile or roster saved"},
	"audit_library.delete": {"删除评分方案或名单", "profile or roster deleted"},
	"health":               {"运行正常", "ok"},
	"audit_login":          {"登录", "signed in"},
	"audit_login.failed":   {"登录失败", "sign-in failed"},
	"audit_login.limited":  {"登录被限制（尝试过多）", "sign-in limited (too many attempts)"},
	"audit_user.create":    {"新建账户", "account created"},
	"audit_user.update":    {"修改账户", "account changed"},
	"audit_user.password":  {"修改密码", "password changed"},
	"audit_token.create":   {"生成 API 令牌", "API token created"},
	"audit_token.revoke":   {"吊销 API 令牌", "API token revoked"},
	"audit_batch.create":   {"新建批次", "batch created"},
	"audit_batch.add":      {"添加报告", "reports added"},
	"audit_batch.remove":   {"移除报告", "report removed"},
	"audit_batch.run":      {"开始核查", "check started"},
	"audit_batch.export":   {"导出", "export"},
	"audit_decision":       {"审核结论", "decision"},
}

// auditSep joins the Chinese and English of an audit entry's detail: the
// log keeps both, and each page shows its own.
const auditSep = "\x1f"

// bi is an audit detail in both languages.
func bi(zh, en string) string {
	if zh == en {
		return zh
	}
	return zh + auditSep + en
}

// auditDetail is the detail of an audit entry in the page's language.
func auditDetail(detail, lang string) string {
	zh, en, ok := strings.Cut(detail, auditSep)
	if !ok {
		return detail
	}
	return pick(lang, zh, en)
}

// auditTarget names an audit entry's target for a person: 批次 3, 账户 li,
// 问题 …（批次 3）.
func auditTarget(target, lang string) string {
	var parts []string
	for _, f := range strings.Fields(target) {
		kind, name, ok := strings.Cut(f, ":")
		if !ok {
			parts = append(parts, f)
			continue
		}
		label := map[string]text{"batch": {"批次", "batch"}, "user": {"账户", "account"}, "finding": {"问题编号", "finding"},
			"profile": {"评分方案", "profile"}, "roster": {"名单", "roster"}}[kind]
		if label.Zh == "" {
			parts = append(parts, f)
			continue
		}
		parts = append(parts, label.pick(lang)+" "+name)
	}
	return strings.Join(parts, pick(lang, "，", ", "))
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// itemSource says where a batch's file came from: 上传, 压缩包 X, or its
// URL.
func itemSource(src, lang string) string {
	switch {
	case src == "upload":
		return pick(lang, "上传", "uploaded")
	case strings.HasPrefix(src, "zip:"):
		return pick(lang, "压缩包 ", "from ") + strings.TrimPrefix(src, "zip:")
	}
	return src
}
