// Never download a browser: tests drive Debian's chromium (PUPPETEER_EXECUTABLE_PATH or /usr/bin/chromium).
module.exports = { skipDownload: true };
