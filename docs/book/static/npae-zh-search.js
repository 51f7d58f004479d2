// The Chinese edition's search: Sphinx 9.0's language_data.js ends with `window.Stemmer = ChineseStemmer;`, but
// the Chinese search language uses Snowball's English stemmer (for the Latin words; jieba splits the Chinese),
// which that file defines as EnglishStemmer (sphinx-doc/sphinx#14229, fixed by #14416). Loaded before it.
window.ChineseStemmer = function () { return new EnglishStemmer(); };
