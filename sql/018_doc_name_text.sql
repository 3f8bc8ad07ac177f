-- 018: a filed document keeps its catalog name whole, however long.
--
-- Why: dossier_document.doc_name was VARCHAR(500), but it copies
-- procedure_document.name, which is TEXT: the national catalog describes
-- many documents in a paragraph (up to ~7,000 characters; 1,110 of them
-- are over 500).  Filing a document of such a procedure failed the whole
-- transaction with "Data too long for column 'doc_name'" and a 500, so
-- 479 of the 2,116 procedures that can be filed online could not be filed
-- with that document (3.000169, 1.010949, 1.001266, ...).  TEXT is what
-- the catalog's column is, so whatever the catalog holds fits.
ALTER TABLE dossier_document
  MODIFY doc_name TEXT NOT NULL DEFAULT '';
