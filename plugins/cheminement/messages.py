"""The one catalogue of user-facing text: validation messages, CLI output and page labels.

French is the default language, English comes with `langue: en`. Each entry keeps both
languages side by side so that a new message cannot be added in one language only (a test
checks that both exist with the same placeholders).
"""

from __future__ import annotations

from typing import Any

LANGUAGES = ("fr", "en")

CATALOGUE: dict[str, dict[str, str]] = {
    # -- Reading files -----------------------------------------------------------------
    "encoding": {
        "fr": "Le fichier n'est pas en UTF-8 (octet {byte} invalide).",
        "en": "The file is not UTF-8 (invalid byte {byte}).",
    },
    "encoding.fix": {
        "fr": "Enregistrez le fichier en UTF-8 (dans l'éditeur : « Enregistrer avec l'encodage » > UTF-8).",
        "en": "Save the file as UTF-8 (in your editor: \"Save with encoding\" > UTF-8).",
    },
    "frontmatter-unclosed": {
        "fr": "L'en-tête ouvert par « --- » n'est jamais fermé.",
        "en": "The front matter opened by \"---\" is never closed.",
    },
    "frontmatter-unclosed.fix": {
        "fr": "Ajoutez une ligne « --- » après la dernière clé de l'en-tête.",
        "en": "Add a \"---\" line after the last key of the front matter.",
    },
    "frontmatter-not-mapping": {
        "fr": "L'en-tête doit être une suite de lignes « clé: valeur » (ici : {got}).",
        "en": "The front matter must be a set of \"key: value\" lines (here: {got}).",
    },
    "frontmatter-not-mapping.fix": {
        "fr": "Écrivez une clé par ligne, par exemple « titre: Mon récit ».",
        "en": "Write one key per line, for example \"titre: My story\".",
    },
    "yaml-syntax": {
        "fr": "YAML invalide : {detail}.",
        "en": "Invalid YAML: {detail}.",
    },
    "yaml-syntax.fix": {
        "fr": "Vérifiez l'indentation et mettez entre guillemets les valeurs qui contiennent « : », « # » ou commencent par « [ » ou « * ».",
        "en": "Check the indentation and quote values that contain \":\" or \"#\" or start with \"[\" or \"*\".",
    },
    "yaml.unclosed-bracket": {
        "fr": "un « [ » ou « {{ » ouvert sur cette ligne n'est jamais refermé",
        "en": "a \"[\" or \"{{\" opened on this line is never closed",
    },
    "yaml.unclosed-quote": {
        "fr": "un guillemet ouvert sur cette ligne n'est jamais refermé",
        "en": "a quote opened on this line is never closed",
    },
    "yaml.missing-colon": {
        "fr": "cette ligne n'a pas la forme « clé: valeur » (l'en-tête est-il bien refermé par « --- » avant le texte ?)",
        "en": "this line is not of the form \"key: value\" (is the front matter closed by \"---\" before the text?)",
    },
    "yaml.colon-in-value": {
        "fr": "un deux-points « : » dans une valeur doit être entre guillemets",
        "en": "a colon \":\" inside a value must be quoted",
    },
    "yaml.star": {
        "fr": "une valeur qui commence par « * » ou « & » doit être entre guillemets",
        "en": "a value starting with \"*\" or \"&\" must be quoted",
    },
    "yaml.tab": {
        "fr": "une tabulation sert d'indentation : YAML n'accepte que des espaces",
        "en": "a tab is used for indentation: YAML only accepts spaces",
    },
    "yaml.bad-character": {
        "fr": "un caractère ne peut pas commencer une valeur (« @ », « ` » ou « % » : mettez la valeur entre guillemets)",
        "en": "a character cannot start a value (\"@\", \"`\" or \"%\": quote the value)",
    },
    "yaml.indentation": {
        "fr": "indentation incohérente : les clés d'un même niveau doivent commencer à la même colonne",
        "en": "inconsistent indentation: keys of the same level must start in the same column",
    },
    "yaml.tag": {
        "fr": "une étiquette YAML « ! » n'est pas permise ici",
        "en": "a YAML tag \"!\" is not allowed here",
    },
    "duplicate-key": {
        "fr": "La clé « {key} » apparaît deux fois (première fois ligne {first}).",
        "en": "The key \"{key}\" appears twice (first on line {first}).",
    },
    "duplicate-key.fix": {
        "fr": "Gardez une seule ligne « {key}: » ; seule la dernière serait prise en compte.",
        "en": "Keep a single \"{key}:\" line; only the last one would count.",
    },
    # -- Keys and values ---------------------------------------------------------------
    "missing-key": {
        "fr": "Clé obligatoire « {key} » absente ({kind}).",
        "en": "Required key \"{key}\" is missing ({kind}).",
    },
    "missing-key.fix": {
        "fr": "Ajoutez dans l'en-tête une ligne « {key}: {example} ».",
        "en": "Add a line \"{key}: {example}\" to the front matter.",
    },
    "missing-title": {
        "fr": "Titre absent ({kind}).",
        "en": "Title is missing ({kind}).",
    },
    "missing-title.fix": {
        "fr": "Ajoutez « titre: … » dans l'en-tête, ou un titre « # … » en première ligne du texte.",
        "en": "Add \"titre: …\" to the front matter, or a \"# …\" heading as the first line of the text.",
    },
    "bad-date": {
        "fr": "« {value} » n'est pas une date valide pour « {key} ».",
        "en": "\"{value}\" is not a valid date for \"{key}\".",
    },
    "bad-date.fix": {
        "fr": "Écrivez la date au format AAAA-MM-JJ, AAAA-MM ou AAAA : 2025-03-12, 2025-03 ou 2025.",
        "en": "Write the date as YYYY-MM-DD, YYYY-MM or YYYY: 2025-03-12, 2025-03 or 2025.",
    },
    "bad-end-date.fix": {
        "fr": "Écrivez une date (2025-03-12, 2025-03 ou 2025), « en cours » pour une activité qui continue, ou supprimez « fin » pour un événement ponctuel.",
        "en": "Write a date (2025-03-12, 2025-03 or 2025), \"en cours\" for an ongoing activity, or remove \"fin\" for a one-off event.",
    },
    "end-before-start": {
        "fr": "La fin ({end}) est antérieure au début ({start}).",
        "en": "The end ({end}) is before the start ({start}).",
    },
    "end-before-start.fix": {
        "fr": "Corrigez « debut » ou « fin » : la fin doit suivre le début.",
        "en": "Fix \"debut\" or \"fin\": the end must come after the start.",
    },
    "bad-type": {
        "fr": "« {key} » doit être {expected} (ici : {got}).",
        "en": "\"{key}\" must be {expected} (here: {got}).",
    },
    "bad-type.fix": {
        "fr": "Exemple : {example}",
        "en": "Example: {example}",
    },
    "bad-bool": {
        "fr": "« {key} » doit valoir true ou false (ici : « {value} »).",
        "en": "\"{key}\" must be true or false (here: \"{value}\").",
    },
    "bad-bool.fix": {
        "fr": "Écrivez « {key}: true » ou « {key}: false », sans guillemets.",
        "en": "Write \"{key}: true\" or \"{key}: false\", without quotes.",
    },
    "unknown-choice": {
        "fr": "« {value} » n'est pas une valeur possible pour « {key} ».",
        "en": "\"{value}\" is not a valid value for \"{key}\".",
    },
    "unknown-choice.fix": {
        "fr": "Valeurs possibles : {choices}.",
        "en": "Valid values: {choices}.",
    },
    "bad-id": {
        "fr": "L'identifiant « {id} » contient des caractères non permis.",
        "en": "The id \"{id}\" contains characters that are not allowed.",
    },
    "bad-id.fix": {
        "fr": "Utilisez des lettres, des chiffres et des tirets, par exemple « {example} ».",
        "en": "Use letters, digits and hyphens, for example \"{example}\".",
    },
    "unknown-key": {
        "fr": "Clé inconnue « {key} » : elle est conservée mais Cheminement ne l'utilise pas.",
        "en": "Unknown key \"{key}\": it is kept but Cheminement does not use it.",
    },
    "did-you-mean": {
        "fr": "Vouliez-vous dire « {guess} » ?",
        "en": "Did you mean \"{guess}\"?",
    },
    "unknown-key.fix": {
        "fr": "Clés connues ici : {known}.",
        "en": "Known keys here: {known}.",
    },
    "bad-url": {
        "fr": "Le lien « {value} » n'est pas une adresse web.",
        "en": "The link \"{value}\" is not a web address.",
    },
    "bad-url.fix": {
        "fr": "Indiquez une adresse complète commençant par https:// (ou utilisez « fichier » pour un fichier du portfolio).",
        "en": "Give a full address starting with https:// (or use \"fichier\" for a file of the portfolio).",
    },
    # -- References ----------------------------------------------------------------------
    "duplicate-id": {
        "fr": "L'identifiant « {id} » est aussi celui de {other} : deux notes de type {kind} ne peuvent pas partager un identifiant.",
        "en": "The id \"{id}\" is also the id of {other}: two notes of kind {kind} cannot share an id.",
    },
    "duplicate-id.fix": {
        "fr": "Renommez l'un des deux fichiers, ou donnez à l'un une clé « id: » différente.",
        "en": "Rename one of the two files, or give one of them a different \"id:\" key.",
    },
    "unknown-competence": {
        "fr": "Compétence inconnue « {id} ».",
        "en": "Unknown competence \"{id}\".",
    },
    "unknown-competence.fix": {
        "fr": "Utilisez un identifiant du référentiel ({referentiel}), ou créez competences/{id}.md avec « titre » et « domaine ».",
        "en": "Use an id from the framework ({referentiel}), or create competences/{id}.md with \"titre\" and \"domaine\".",
    },
    "unknown-competence.where": {
        "fr": "Les compétences sont définies dans {referentiel}.",
        "en": "Competences are defined in {referentiel}.",
    },
    "unknown-level": {
        "fr": "Niveau « {value} » inconnu pour la compétence « {competence} ».",
        "en": "Unknown level \"{value}\" for competence \"{competence}\".",
    },
    "unknown-level.fix": {
        "fr": "Niveaux possibles : {labels} (ou leur rang, de 1 à {count}).",
        "en": "Valid levels: {labels} (or their rank, 1 to {count}).",
    },
    "unknown-reference": {
        "fr": "« {key} » cite « {id} », mais aucune note {kind} n'a cet identifiant.",
        "en": "\"{key}\" cites \"{id}\", but no {kind} note has this id.",
    },
    "unknown-reference.fix": {
        "fr": "Identifiants existants : {known}.",
        "en": "Existing ids: {known}.",
    },
    "unknown-about": {
        "fr": "« sur » cite « {id} », mais aucune note ni compétence n'a cet identifiant.",
        "en": "\"sur\" cites \"{id}\", but no note or competence has this id.",
    },
    "unknown-about.fix": {
        "fr": "Indiquez l'identifiant de la note commentée (le nom de son fichier sans .md) ou d'une compétence.",
        "en": "Give the id of the note commented on (its file name without .md) or of a competence.",
    },
    "trace-without-source": {
        "fr": "Une trace doit indiquer soit « fichier » (un fichier du portfolio), soit « lien » (une adresse web).",
        "en": "A trace needs either \"fichier\" (a file of the portfolio) or \"lien\" (a web address).",
    },
    "trace-without-source.fix": {
        "fr": "Ajoutez par exemple « fichier: attestation.pdf » en plaçant le fichier à côté de la note.",
        "en": "Add for example \"fichier: certificate.pdf\" and put the file beside the note.",
    },
    "trace-file-missing": {
        "fr": "Le fichier « {path} » est introuvable.",
        "en": "The file \"{path}\" does not exist.",
    },
    "trace-file-missing.fix": {
        "fr": "Placez le fichier à côté de la note ou corrigez le chemin (il est relatif à la note : {expected}).",
        "en": "Put the file beside the note or fix the path (it is relative to the note: {expected}).",
    },
    "trace-file-outside": {
        "fr": "Le fichier « {path} » est en dehors du portfolio : il ne peut pas être publié.",
        "en": "The file \"{path}\" is outside the portfolio: it cannot be published.",
    },
    "trace-file-outside.fix": {
        "fr": "Copiez le fichier dans le dossier du portfolio, à côté de la note, et indiquez son nom.",
        "en": "Copy the file into the portfolio folder, beside the note, and give its name.",
    },
    "trace-file-is-note": {
        "fr": "Le fichier « {path} » est une page Markdown, pas une pièce jointe.",
        "en": "The file \"{path}\" is a Markdown page, not an attachment.",
    },
    "trace-file-is-note.fix": {
        "fr": "Pour relier deux notes, utilisez un lien [[identifiant]] dans le texte.",
        "en": "To link two notes, use a [[id]] link in the text.",
    },
    "unknown-wikilink": {
        "fr": "Lien [[{target}]] : aucune note ni compétence n'a cet identifiant.",
        "en": "Link [[{target}]]: no note or competence has this id.",
    },
    "unknown-wikilink.fix": {
        "fr": "Vérifiez l'identifiant (le nom du fichier sans .md, ou sa clé « id »).",
        "en": "Check the id (the file name without .md, or its \"id\" key).",
    },
    "ambiguous-wikilink": {
        "fr": "Lien [[{target}]] : plusieurs notes ont cet identifiant ({candidates}) ; le lien mène à la première.",
        "en": "Link [[{target}]]: several notes have this id ({candidates}); the link goes to the first.",
    },
    "ambiguous-wikilink.fix": {
        "fr": "Précisez le type : {examples}.",
        "en": "Name the kind: {examples}.",
    },
    "competence-undefined": {
        "fr": "La compétence « {id} » n'existe pas dans le référentiel.",
        "en": "The competence \"{id}\" is not in the framework.",
    },
    "competence-undefined.fix": {
        "fr": "Pour la définir dans cette page, ajoutez « titre » et « domaine » (domaines : {domains}) ; sinon renommez le fichier avec un identifiant du référentiel.",
        "en": "To define it in this page, add \"titre\" and \"domaine\" (domains: {domains}); otherwise rename the file after an id of the framework.",
    },
    "unknown-domain": {
        "fr": "Domaine inconnu « {value} ».",
        "en": "Unknown domain \"{value}\".",
    },
    "unknown-domain.fix": {
        "fr": "Domaines du référentiel : {domains}.",
        "en": "Domains of the framework: {domains}.",
    },
    # -- Référentiel ----------------------------------------------------------------------
    "referentiel-missing": {
        "fr": "Référentiel de compétences introuvable : {path}.",
        "en": "Competence framework not found: {path}.",
    },
    "referentiel-missing.fix": {
        "fr": "Créez ce fichier (voir la référence du format), ou indiquez son chemin avec l'option « referentiel » du plugin.",
        "en": "Create this file (see the format reference), or give its path with the plugin option \"referentiel\".",
    },
    "referentiel.not-mapping": {
        "fr": "Référentiel : le fichier doit être une suite de clés (titre, echelle, domaines).",
        "en": "Framework: the file must be a set of keys (titre, echelle, domaines).",
    },
    "referentiel.scale-duplicate": {
        "fr": "Référentiel : « echelle » contient deux fois le même niveau.",
        "en": "Framework: \"echelle\" has the same level twice.",
    },
    "referentiel.scale-shape": {
        "fr": "Référentiel : « echelle » doit être une liste de niveaux, du plus simple au plus avancé.",
        "en": "Framework: \"echelle\" must be a list of levels, from the simplest to the most advanced.",
    },
    "referentiel.domains-shape": {
        "fr": "Référentiel : « domaines » doit être une liste.",
        "en": "Framework: \"domaines\" must be a list.",
    },
    "referentiel.domain-id": {
        "fr": "Référentiel : le domaine n° {number} doit avoir un « id ».",
        "en": "Framework: domain no. {number} needs an \"id\".",
    },
    "referentiel.competences-shape": {
        "fr": "Référentiel : « competences » du domaine « {domain} » doit être une liste.",
        "en": "Framework: \"competences\" of domain \"{domain}\" must be a list.",
    },
    "referentiel.competence-id": {
        "fr": "Référentiel : la compétence n° {number} du domaine « {domain} » doit avoir un « id ».",
        "en": "Framework: competence no. {number} of domain \"{domain}\" needs an \"id\".",
    },
    "referentiel.bad-id": {
        "fr": "Référentiel : identifiant de compétence invalide « {id} ».",
        "en": "Framework: invalid competence id \"{id}\".",
    },
    "referentiel-shape.fix": {
        "fr": "Structure attendue : titre, echelle (liste), domaines (liste de {{id, titre, competences}}), chaque compétence avec id et titre.",
        "en": "Expected shape: titre, echelle (a list), domaines (a list of {{id, titre, competences}}), each competence with id and titre.",
    },
    "referentiel-duplicate": {
        "fr": "Référentiel : l'identifiant « {id} » est défini deux fois (première fois ligne {first}).",
        "en": "Framework: the id \"{id}\" is defined twice (first on line {first}).",
    },
    "referentiel-duplicate.fix": {
        "fr": "Chaque domaine et chaque compétence doit avoir un identifiant unique.",
        "en": "Each domain and each competence needs a unique id.",
    },
    # -- Bibliography ------------------------------------------------------------------------
    "bib-missing": {"fr": "Bibliographie introuvable : {path}.", "en": "Bibliography not found: {path}."},
    "bib-missing.fix": {
        "fr": "Exportez vos références depuis Zotero (BibTeX ou CSL JSON) à cet endroit, ou corrigez l'option « bibliographie ».",
        "en": "Export your references from Zotero (BibTeX or CSL JSON) there, or fix the \"bibliographie\" option.",
    },
    "bib-syntax": {"fr": "Bibliographie illisible : {detail}.", "en": "Unreadable bibliography: {detail}."},
    "bib-syntax.fix": {
        "fr": "Vérifiez cette entrée (accolades et virgules), ou exportez à nouveau le fichier depuis Zotero.",
        "en": "Check this entry (braces and commas), or export the file again from Zotero.",
    },
    "bib-format": {
        "fr": "{path} : le style APA ne sait pas mettre en forme une référence ({detail}). Vérifiez ses auteurs et sa date, ou exportez-la à nouveau depuis Zotero.",
        "en": "{path}: the APA style cannot format a reference ({detail}). Check its authors and date, or export it again from Zotero.",
    },
    "unknown-citation": {
        "fr": "Citation [@{key}] : aucune référence n'a cette clé.",
        "en": "Citation [@{key}]: no reference has this key.",
    },
    "unknown-citation.close": {"fr": "Clés proches : {keys}.", "en": "Close keys: {keys}."},
    "unknown-citation.fix": {
        "fr": "Les clés sont celles de {path} (dans Zotero : la « clé de citation »).",
        "en": "Keys are those of {path} (in Zotero: the \"citation key\").",
    },
    # -- Privacy ---------------------------------------------------------------------------
    "private-trace-cited": {
        "fr": "Cette note publique cite la trace privée « {id} » : la trace reste privée et n'apparaîtra pas.",
        "en": "This public note cites the private trace \"{id}\": the trace stays private and will not appear.",
    },
    "private-trace-cited.fix": {
        "fr": "Rendez la trace publique (visibilite: public) si elle peut l'être, ou retirez-la de « traces ».",
        "en": "Make the trace public (visibilite: public) if it can be, or remove it from \"traces\".",
    },
    # -- Value descriptions used in messages ----------------------------------------------
    "type.text": {"fr": "un texte", "en": "a text"},
    "type.list": {"fr": "une liste", "en": "a list"},
    "type.mapping": {"fr": "une liste de clés", "en": "a mapping"},
    "type.ids": {"fr": "un identifiant ou une liste d'identifiants", "en": "an id or a list of ids"},
    "type.competences": {
        "fr": "une liste d'identifiants ou une correspondance identifiant: niveau",
        "en": "a list of ids or a mapping id: level",
    },
    "got.str": {"fr": "un texte", "en": "a text"},
    "got.int": {"fr": "un nombre", "en": "a number"},
    "got.float": {"fr": "un nombre", "en": "a number"},
    "got.bool": {"fr": "un booléen", "en": "a boolean"},
    "got.list": {"fr": "une liste", "en": "a list"},
    "got.dict": {"fr": "une liste de clés", "en": "a mapping"},
    "got.NoneType": {"fr": "une valeur vide", "en": "an empty value"},
    "got.other": {"fr": "une valeur YAML spéciale", "en": "a special YAML value"},
    # -- Kinds ------------------------------------------------------------------------------
    "kind.parcours": {"fr": "parcours", "en": "path entry"},
    "kind.recit": {"fr": "récit", "en": "story"},
    "kind.trace": {"fr": "trace", "en": "evidence"},
    "kind.competence": {"fr": "compétence", "en": "competence"},
    "kind.page": {"fr": "page", "en": "page"},
    "kind.retour": {"fr": "retour", "en": "feedback"},
    "kinds.retour": {"fr": "Retours", "en": "Feedback"},
    "retour.title": {"fr": "Retour de {author}", "en": "Feedback from {author}"},
    "kinds.parcours": {"fr": "Parcours", "en": "Path"},
    "kinds.recit": {"fr": "Récits", "en": "Stories"},
    "kinds.trace": {"fr": "Traces", "en": "Evidence"},
    "kinds.competence": {"fr": "Compétences", "en": "Competences"},
    "parcours-type.emploi": {"fr": "Emploi", "en": "Job"},
    "parcours-type.formation": {"fr": "Formation", "en": "Training"},
    "parcours-type.stage": {"fr": "Stage", "en": "Internship"},
    "parcours-type.benevolat": {"fr": "Bénévolat", "en": "Volunteering"},
    "parcours-type.projet": {"fr": "Projet", "en": "Project"},
    "parcours-type.certification": {"fr": "Certification", "en": "Certification"},
    "parcours-type.autre": {"fr": "Autre", "en": "Other"},
    "modele.gibbs": {"fr": "Cycle de Gibbs", "en": "Gibbs' cycle"},
    "modele.kolb": {"fr": "Cycle de Kolb", "en": "Kolb's cycle"},
    "modele.star": {"fr": "Méthode STAR", "en": "STAR method"},
    "modele.schon": {"fr": "Praticien réflexif (Schön)", "en": "Reflective practitioner (Schön)"},
    "modele.quoi-et-alors": {"fr": "Quoi ? Et alors ? Et maintenant ?", "en": "What? So what? Now what?"},
    # -- Generated pages ------------------------------------------------------------------
    "ui.home": {"fr": "Accueil", "en": "Home"},
    "ui.competences": {"fr": "Compétences", "en": "Competences"},
    "ui.timeline": {"fr": "Chronologie", "en": "Timeline"},
    "ui.parcours": {"fr": "Parcours", "en": "Path"},
    "ui.recits": {"fr": "Récits", "en": "Stories"},
    "ui.traces": {"fr": "Traces", "en": "Evidence"},
    "ui.timeline.intro": {
        "fr": "Le parcours, les récits et les traces, année par année.",
        "en": "Path entries, stories and evidence, year by year.",
    },
    "ui.timeline.jump": {"fr": "Aller à l'année", "en": "Go to year"},
    "ui.competences.intro": {
        "fr": "Les compétences du référentiel « {title} », avec les notes qui les étayent.",
        "en": "The competences of the framework \"{title}\", with the notes that support them.",
    },
    "ui.coverage": {"fr": "Couverture du référentiel", "en": "Framework coverage"},
    "ui.coverage.summary": {
        "fr": "{covered} compétence(s) sur {total} sont étayées par au moins une note.",
        "en": "{covered} of {total} competences are supported by at least one note.",
    },
    "ui.coverage.missing": {"fr": "Sans preuve pour l'instant :", "en": "No evidence yet:"},
    "ui.coverage.complete": {
        "fr": "Chaque compétence est étayée par au moins une note.",
        "en": "Every competence is supported by at least one note.",
    },
    "ui.competence": {"fr": "Compétence", "en": "Competence"},
    "ui.domain": {"fr": "Domaine", "en": "Domain"},
    "ui.self-level": {"fr": "Niveau estimé", "en": "Self-assessed level"},
    "ui.target-level": {"fr": "Objectif", "en": "Target"},
    "ui.latest-level": {"fr": "Dernier niveau démontré", "en": "Latest level shown"},
    "ui.support": {"fr": "Notes", "en": "Notes"},
    "ui.last-date": {"fr": "Dernière note", "en": "Latest note"},
    "ui.level": {"fr": "{label} (niveau {rank} sur {count})", "en": "{label} (level {rank} of {count})"},
    "ui.no-level": {"fr": "non précisé", "en": "not given"},
    "ui.none": {"fr": "—", "en": "—"},
    "ui.references": {"fr": "Références", "en": "References"},
    "ui.my-words": {"fr": "En mes mots", "en": "In my words"},
    "ui.evidence": {"fr": "Ce qui l'étaye", "en": "What supports it"},
    "ui.no-evidence": {
        "fr": "Aucune note publiée ne mentionne encore cette compétence.",
        "en": "No published note mentions this competence yet.",
    },
    "ui.progression": {"fr": "Progression", "en": "Progression"},
    "ui.progression.chart": {
        "fr": "Graphique : niveaux démontrés de « {title} » au fil du temps",
        "en": "Chart: levels shown for \"{title}\" over time",
    },
    "ui.progression.text": {"fr": "Les mêmes données en texte :", "en": "The same data as text:"},
    "ui.demonstrated": {"fr": "Niveau démontré :", "en": "Level shown:"},
    "ui.since": {"fr": "depuis", "en": "since"},
    "ui.to": {"fr": "à", "en": "to"},
    "ui.ongoing": {"fr": "en cours", "en": "ongoing"},
    "ui.date": {"fr": "Date", "en": "Date"},
    "ui.period": {"fr": "Période", "en": "Period"},
    "ui.type": {"fr": "Type", "en": "Type"},
    "ui.organisation": {"fr": "Organisation", "en": "Organisation"},
    "ui.place": {"fr": "Lieu", "en": "Place"},
    "ui.model": {"fr": "Modèle de réflexion", "en": "Reflection model"},
    "ui.tags": {"fr": "Mots-clés", "en": "Tags"},
    "ui.linked-parcours": {"fr": "Dans le parcours", "en": "Part of"},
    "ui.linked-traces": {"fr": "Traces", "en": "Evidence"},
    "ui.cited-in": {"fr": "Cité dans", "en": "Cited in"},
    "ui.file": {"fr": "Fichier", "en": "File"},
    "ui.link": {"fr": "Lien", "en": "Link"},
    "ui.open-file": {"fr": "Ouvrir le fichier « {name} »", "en": "Open the file \"{name}\""},
    "ui.open-link": {"fr": "Consulter {host}", "en": "Visit {host}"},
    "ui.image-alt": {"fr": "Image de la trace « {title} »", "en": "Image of the evidence \"{title}\""},
    "ui.undated": {"fr": "Sans date", "en": "Undated"},
    "ui.empty": {"fr": "Rien de publié ici pour l'instant.", "en": "Nothing published here yet."},
    "ui.private-preview": {
        "fr": "Privé — non publié. Vous voyez cette note parce que l'aperçu privé est activé ; elle n'apparaîtra pas sur le site publié.",
        "en": "Private — not published. You see this note because the private preview is on; it will not appear on the published site.",
    },
    "ui.private-badge": {"fr": "privé — non publié", "en": "private — not published"},
    "ui.status": {"fr": "Statut", "en": "Status"},
    "ui.status.summary": {"fr": "{total} compétences :", "en": "{total} competences:"},
    "status.validee": {"fr": "validée", "en": "validated"},
    "status.relue": {"fr": "relue", "en": "reviewed"},
    "status.etayee": {"fr": "étayée", "en": "supported"},
    "status.declaree": {"fr": "déclarée", "en": "declared"},
    "status.aucun": {"fr": "sans élément", "en": "nothing yet"},
    "ui.feedback": {"fr": "Retours de l'accompagnant·e", "en": "Feedback from the coach"},
    "ui.feedback.open": {"fr": "Lire ce retour sur sa page", "en": "Read this feedback on its page"},
    "ui.retours": {"fr": "Retours", "en": "Feedback"},
    "ui.author": {"fr": "Auteur·e", "en": "Author"},
    "ui.about": {"fr": "Sur", "en": "About"},
    "ui.count.retour.one": {"fr": "{n} retour", "en": "{n} feedback note"},
    "ui.count.retour.other": {"fr": "{n} retours", "en": "{n} feedback notes"},
    "ui.changes": {"fr": "Nouveautés", "en": "What's new"},
    "ui.changes.since-date": {
        "fr": "Les notes publiées ajoutées ou modifiées depuis le {date}.",
        "en": "Published notes added or changed since {date}.",
    },
    "ui.changes.since-build": {
        "fr": "Les notes publiées ajoutées ou modifiées depuis la publication précédente.",
        "en": "Published notes added or changed since the previous publication.",
    },
    "ui.changes.new": {"fr": "Nouvelles notes", "en": "New notes"},
    "ui.changes.changed": {"fr": "Notes modifiées", "en": "Changed notes"},
    "ui.changes.changed-or-new": {"fr": "Notes nouvelles ou modifiées", "en": "New or changed notes"},
    "ui.changes.none": {"fr": "Rien de nouveau depuis.", "en": "Nothing new since then."},
    "ui.dossier": {"fr": "Dossier", "en": "Dossier"},
    "ui.dossier.intro": {
        "fr": "Tout le portfolio publié sur une seule page, dans l'ordre de lecture : pour l'imprimer ou l'enregistrer en PDF, utilisez la commande Imprimer du navigateur.",
        "en": "The whole published portfolio on one page, in reading order: to print it or save it as PDF, use the browser's Print command.",
    },
    "ui.dossier.contents": {"fr": "Sommaire du dossier", "en": "Contents of the dossier"},
    "ui.dossier.synthesis": {"fr": "Synthèse", "en": "Summary"},
    "since.invalid": {
        "fr": "« depuis » : « {value} » n'est ni une date (AAAA-MM-JJ) ni un manifeste lisible ({detail}).",
        "en": "\"depuis\": \"{value}\" is neither a date (YYYY-MM-DD) nor a readable manifest ({detail}).",
    },
    "ui.references-section": {"fr": "Références", "en": "References"},
    "ui.bibliography": {"fr": "Bibliographie", "en": "Bibliography"},
    "ui.bibliography.intro": {
        "fr": "Les {count} ouvrages et articles cités dans le portfolio, avec les notes qui les citent.",
        "en": "The {count} works cited in the portfolio, with the notes that cite them.",
    },
    "ui.authors": {"fr": "Auteurs cités", "en": "Authors cited"},
    "ui.about-note": {"fr": "Informations sur cette note", "en": "About this note"},
    "ui.count.recit.one": {"fr": "{n} récit", "en": "{n} story"},
    "ui.count.recit.other": {"fr": "{n} récits", "en": "{n} stories"},
    "ui.count.parcours.one": {"fr": "{n} parcours", "en": "{n} path entry"},
    "ui.count.parcours.other": {"fr": "{n} parcours", "en": "{n} path entries"},
    "ui.count.trace.one": {"fr": "{n} trace", "en": "{n} piece of evidence"},
    "ui.count.trace.other": {"fr": "{n} traces", "en": "{n} pieces of evidence"},
    "ui.count.competence.one": {"fr": "{n} page de compétence", "en": "{n} competence page"},
    "ui.count.competence.other": {"fr": "{n} pages de compétence", "en": "{n} competence pages"},
    # -- Reflection models: section headings and prompting questions ------------------
    "reflexion.gibbs.1": {"fr": "Description", "en": "Description"},
    "reflexion.gibbs.1.question": {"fr": "Que s'est-il passé ? Où, quand, avec qui ?", "en": "What happened? Where, when, with whom?"},
    "reflexion.gibbs.2": {"fr": "Ressentis", "en": "Feelings"},
    "reflexion.gibbs.2.question": {"fr": "Qu'ai-je ressenti et pensé sur le moment ?", "en": "What did I feel and think at the time?"},
    "reflexion.gibbs.3": {"fr": "Évaluation", "en": "Evaluation"},
    "reflexion.gibbs.3.question": {"fr": "Qu'est-ce qui a bien fonctionné, moins bien fonctionné ?", "en": "What went well, what went less well?"},
    "reflexion.gibbs.4": {"fr": "Analyse", "en": "Analysis"},
    "reflexion.gibbs.4.question": {"fr": "Pourquoi ? Quelles connaissances ou quels auteurs m'aident à comprendre ?", "en": "Why? Which knowledge or authors help me understand?"},
    "reflexion.gibbs.5": {"fr": "Conclusion", "en": "Conclusion"},
    "reflexion.gibbs.5.question": {"fr": "Qu'aurais-je pu faire autrement ? Qu'ai-je appris ?", "en": "What could I have done differently? What did I learn?"},
    "reflexion.gibbs.6": {"fr": "Plan d'action", "en": "Action plan"},
    "reflexion.gibbs.6.question": {"fr": "Si cela se reproduisait, que ferais-je ? Que veux-je travailler ?", "en": "If it happened again, what would I do? What do I want to work on?"},
    "reflexion.kolb.1": {"fr": "Expérience concrète", "en": "Concrete experience"},
    "reflexion.kolb.1.question": {"fr": "Qu'ai-je vécu, concrètement ?", "en": "What did I actually go through?"},
    "reflexion.kolb.2": {"fr": "Observation réfléchie", "en": "Reflective observation"},
    "reflexion.kolb.2.question": {"fr": "En y repensant, qu'est-ce que je remarque ?", "en": "Looking back, what do I notice?"},
    "reflexion.kolb.3": {"fr": "Conceptualisation", "en": "Abstract conceptualisation"},
    "reflexion.kolb.3.question": {"fr": "Quelles idées, quels modèles éclairent cette expérience ?", "en": "Which ideas or models shed light on this experience?"},
    "reflexion.kolb.4": {"fr": "Expérimentation", "en": "Active experimentation"},
    "reflexion.kolb.4.question": {"fr": "Qu'est-ce que je vais essayer la prochaine fois ?", "en": "What will I try next time?"},
    "reflexion.star.1": {"fr": "Situation", "en": "Situation"},
    "reflexion.star.1.question": {"fr": "Quel était le contexte ?", "en": "What was the context?"},
    "reflexion.star.2": {"fr": "Tâche", "en": "Task"},
    "reflexion.star.2.question": {"fr": "Quel était mon rôle, quel était l'objectif ?", "en": "What was my role, what was the goal?"},
    "reflexion.star.3": {"fr": "Action", "en": "Action"},
    "reflexion.star.3.question": {"fr": "Qu'ai-je fait, concrètement ?", "en": "What did I actually do?"},
    "reflexion.star.4": {"fr": "Résultat", "en": "Result"},
    "reflexion.star.4.question": {"fr": "Qu'est-ce que cela a donné ? Qu'en ai-je retiré ?", "en": "What came of it? What did I take from it?"},
    "reflexion.schon.1": {"fr": "Réflexion dans l'action", "en": "Reflection in action"},
    "reflexion.schon.1.question": {"fr": "Sur le moment, qu'ai-je remarqué, ajusté, improvisé ?", "en": "In the moment, what did I notice, adjust, improvise?"},
    "reflexion.schon.2": {"fr": "Réflexion sur l'action", "en": "Reflection on action"},
    "reflexion.schon.2.question": {"fr": "Après coup, comment je comprends ce qui s'est passé ?", "en": "Afterwards, how do I understand what happened?"},
    "reflexion.schon.3": {"fr": "Savoirs d'action", "en": "Knowing in action"},
    "reflexion.schon.3.question": {"fr": "Quel savoir-faire est en train de se construire ?", "en": "Which know-how is taking shape?"},
    "reflexion.quoi-et-alors.1": {"fr": "Quoi ?", "en": "What?"},
    "reflexion.quoi-et-alors.1.question": {"fr": "Que s'est-il passé ? Quel était mon rôle ?", "en": "What happened? What was my part?"},
    "reflexion.quoi-et-alors.2": {"fr": "Et alors ?", "en": "So what?"},
    "reflexion.quoi-et-alors.2.question": {"fr": "Qu'est-ce que cela signifie, pour moi, pour la personne accompagnée ?", "en": "What does it mean, for me, for the person I support?"},
    "reflexion.quoi-et-alors.3": {"fr": "Et maintenant ?", "en": "Now what?"},
    "reflexion.quoi-et-alors.3.question": {"fr": "Que vais-je faire de ce que j'ai compris ?", "en": "What will I do with what I understood?"},
    # -- Editor schemas: key descriptions ------------------------------------------------
    "schema.key.id": {"fr": "Identifiant de la note (par défaut : le nom du fichier sans .md).", "en": "Id of the note (default: the file name without .md)."},
    "schema.key.titre": {"fr": "Titre.", "en": "Title."},
    "schema.key.visibilite": {"fr": "public (par défaut) ou prive : une note privée n'est jamais publiée.", "en": "public (default) or prive: a private note is never published."},
    "schema.key.draft": {"fr": "true : brouillon, jamais publié.", "en": "true: draft, never published."},
    "schema.key.tags": {"fr": "Mots-clés libres.", "en": "Free keywords."},
    "schema.key.resume": {"fr": "Une ligne de résumé, affichée sur les cartes et la chronologie.", "en": "A one-line summary, shown on cards and the timeline."},
    "schema.key.competences": {"fr": "Compétences mobilisées : liste d'identifiants, ou identifiant: niveau.", "en": "Competences used: a list of ids, or id: level."},
    "schema.key.organisation": {"fr": "Organisation (entreprise, organisme, association).", "en": "Organisation (company, training body, association)."},
    "schema.key.lieu": {"fr": "Lieu.", "en": "Place."},
    "schema.key.debut": {"fr": "Début : 2025-03-12, 2025-03 ou 2025.", "en": "Start: 2025-03-12, 2025-03 or 2025."},
    "schema.key.fin": {"fr": "Fin : une date, ou « en cours ».", "en": "End: a date, or \"en cours\"."},
    "schema.key.date": {"fr": "Date : 2025-03-12, 2025-03 ou 2025.", "en": "Date: 2025-03-12, 2025-03 or 2025."},
    "schema.key.parcours": {"fr": "Entrée(s) de parcours concernée(s), par identifiant.", "en": "Path entry or entries concerned, by id."},
    "schema.key.traces": {"fr": "Traces liées, par identifiant.", "en": "Linked evidence, by id."},
    "schema.key.modele": {"fr": "Modèle de réflexion utilisé.", "en": "Reflection model used."},
    "schema.key.fichier": {"fr": "Fichier de la trace, relatif à la note.", "en": "File of the evidence, relative to the note."},
    "schema.key.lien": {"fr": "Adresse web de la trace.", "en": "Web address of the evidence."},
    "schema.key.description": {"fr": "Description.", "en": "Description."},
    "schema.key.domaine": {"fr": "Domaine du référentiel (pour une compétence absente du référentiel).", "en": "Domain of the framework (for a competence not in the framework)."},
    "schema.key.niveau": {"fr": "Niveau actuel, auto-évalué.", "en": "Current self-assessed level."},
    "schema.key.objectif": {"fr": "Niveau visé.", "en": "Target level."},
    "schema.key.type": {"fr": "Type de note, ou type d'entrée de parcours.", "en": "Kind of note, or type of path entry."},
    "schema.key.auteur": {"fr": "Qui a écrit ce retour (l'accompagnant·e).", "en": "Who wrote this feedback (the coach)."},
    "schema.key.sur": {"fr": "Identifiant de la note ou de la compétence commentée.", "en": "Id of the note or competence commented on."},
    "schema.key.ref": {"fr": "Références externes : rncp, esco, digcomp…", "en": "External references: rncp, esco, digcomp…"},
    "schema.key.echelle": {"fr": "Niveaux, du plus simple au plus avancé.", "en": "Levels, from the simplest to the most advanced."},
    "schema.key.domaines": {"fr": "Domaines, chacun avec ses compétences.", "en": "Domains, each with its competences."},
    # -- CLI ----------------------------------------------------------------------------------
    "cli.error": {"fr": "erreur", "en": "error"},
    "cli.warning": {"fr": "avertissement", "en": "warning"},
    "cli.line": {"fr": "ligne {line}", "en": "line {line}"},
    "cli.summary": {
        "fr": "{notes} ; {competences} compétences ; {errors} erreur(s), {warnings} avertissement(s).",
        "en": "{notes}; {competences} competences; {errors} error(s), {warnings} warning(s).",
    },
    "cli.count": {"fr": "{count} {label}", "en": "{count} {label}"},
    "cli.clean": {"fr": "Aucun problème.", "en": "No problems."},
    "cli.not-found": {
        "fr": "Introuvable : {path}. Indiquez un mkdocs.yml ou le dossier du portfolio.",
        "en": "Not found: {path}. Give a mkdocs.yml or the portfolio folder.",
    },
    "cli.bad-config": {
        "fr": "Configuration illisible ({path}) : {detail}",
        "en": "Cannot read the configuration ({path}): {detail}",
    },
    "cli.publication.public": {"fr": "Publié ({count}) :", "en": "Published ({count}):"},
    "cli.publication.private": {"fr": "Reste privé ({count}) :", "en": "Stays private ({count}):"},
    "cli.publication.none": {"fr": "  (rien)", "en": "  (nothing)"},
    "cli.publication.changes": {
        "fr": "Depuis la publication précédente : {new} nouveau(x), {changed} modifié(s), {removed} retiré(s).",
        "en": "Since the previous publication: {new} new, {changed} changed, {removed} removed.",
    },
    "cli.publication.errors": {
        "fr": "Attention : le portfolio contient {count} erreur(s) ; « cheminement check » les détaille, et rien ne sera publié tant qu'elles restent.",
        "en": "Warning: the portfolio has {count} error(s); \"cheminement check\" lists them, and nothing will be published until they are fixed.",
    },
    "cli.bad-manifest": {
        "fr": "Manifeste illisible ({path}) : {detail}",
        "en": "Cannot read the manifest ({path}): {detail}",
    },
    "reason.declared": {"fr": "marqué privé (visibilite: prive ou draft: true)", "en": "marked private (visibilite: prive or draft: true)"},
    "reason.folder": {"fr": "dans un dossier privé", "en": "in a private folder"},
    "reason.explicit": {"fr": "non marqué public (publication: explicite)", "en": "not marked public (publication: explicite)"},
    "reason.private-only": {"fr": "utilisé seulement par des notes privées", "en": "used by private notes only"},
    "cli.audit.clean": {
        "fr": "Aucune fuite : {canaries} élément(s) privé(s) cherché(s) dans {files} fichier(s) du site.",
        "en": "No leak: {canaries} private item(s) searched for in {files} file(s) of the site.",
    },
    "cli.audit.leak": {
        "fr": "{site_file} contient {what} de {source} : « {value} »",
        "en": "{site_file} contains {what} of {source}: \"{value}\"",
    },
    "cli.audit.summary": {
        "fr": "{count} fuite(s) de contenu privé. Ne publiez pas ce dossier ; reconstruisez le site sans --dirty et relancez l'audit.",
        "en": "{count} leak(s) of private content. Do not publish this folder; rebuild the site without --dirty and run the audit again.",
    },
    "cli.audit.no-site": {"fr": "Dossier du site introuvable : {path}", "en": "Site folder not found: {path}"},
    "audit.title": {"fr": "le titre", "en": "the title"},
    "audit.value": {"fr": "une valeur de l'en-tête", "en": "a front-matter value"},
    "audit.text": {"fr": "une phrase", "en": "a sentence"},
    "audit.name": {"fr": "le nom de fichier", "en": "the file name"},
    "audit.file": {"fr": "le fichier", "en": "the file"},
    "init.site-name": {"fr": "Mon portfolio", "en": "My portfolio"},
    "init.exists": {
        "fr": "Rien n'a été créé : ces fichiers existent déjà et ne seront pas écrasés : {files}",
        "en": "Nothing was created: these files already exist and will not be overwritten: {files}",
    },
    "init.done": {
        "fr": "Portfolio créé dans {path}. Pour le voir : cd {path} puis « mkdocs serve », et ouvrez http://127.0.0.1:8000/",
        "en": "Portfolio created in {path}. To see it: cd {path} then \"mkdocs serve\", and open http://127.0.0.1:8000/",
    },
    "new.exists": {
        "fr": "Le fichier {path} existe déjà : choisissez un autre titre, rien n'a été écrasé.",
        "en": "The file {path} already exists: choose another title, nothing was overwritten.",
    },
    "new.known-competences": {
        "fr": "Compétences du référentiel : {known}.",
        "en": "Competences of the framework: {known}.",
    },
    "new.needs-domain": {
        "fr": "« {id} » n'est pas une compétence du référentiel : pour la créer, indiquez son domaine avec --domaine ({domains}).",
        "en": "\"{id}\" is not a competence of the framework: to create it, give its domain with --domaine ({domains}).",
    },
    "new.trace-needs-source": {
        "fr": "Une trace a besoin d'un fichier (--fichier CHEMIN) ou d'une adresse web (--lien URL).",
        "en": "A piece of evidence needs a file (--fichier PATH) or a web address (--lien URL).",
    },
    "new.competence-body": {
        "fr": "Ce que cette compétence veut dire pour moi, où j'en suis, ce que je vise.",
        "en": "What this competence means to me, where I stand, what I aim for.",
    },
    "new.recit-body": {
        "fr": "Racontez la situation, ce que vous avez ressenti, compris, et ce que vous en retenez.",
        "en": "Tell the situation, what you felt and understood, and what you take from it.",
    },
    "new.created": {"fr": "Créé : {path}", "en": "Created: {path}"},
    "schema.written": {"fr": "Schémas écrits dans {path} :", "en": "Schemas written to {path}:"},
    "dossier.written": {"fr": "Dossier écrit : {path} (avec {engine}).", "en": "Dossier written: {path} (with {engine})."},
    "dossier.disabled": {
        "fr": "Le dossier est désactivé (option « dossier: false » du plugin) : rien à imprimer.",
        "en": "The dossier is turned off (plugin option \"dossier: false\"): nothing to print.",
    },
    "dossier.no-engine": {
        "fr": "Aucun moteur PDF : installez WeasyPrint (pip install weasyprint) ou Playwright avec un Chromium (pip install playwright, et le paquet chromium de votre système). Sinon, ouvrez site/dossier/ dans un navigateur et imprimez-le en PDF.",
        "en": "No PDF engine: install WeasyPrint (pip install weasyprint) or Playwright with a Chromium (pip install playwright, and your system's chromium package). Otherwise open site/dossier/ in a browser and print it to PDF.",
    },
    "annuaire.title": {"fr": "Portfolios", "en": "Portfolios"},
    "annuaire.intro": {
        "fr": "Les portfolios publiés par les apprenant·e·s qui ont choisi d'y figurer.",
        "en": "The portfolios published by the learners who chose to be listed.",
    },
    "annuaire.updated": {"fr": "Mis à jour le", "en": "Updated on"},
    "annuaire.empty": {"fr": "Aucun portfolio publié pour l'instant.", "en": "No published portfolio yet."},
    "all.header": {
        "fr": "{count} portfolio(s) à construire, {skipped} inchangé(s), avec {processes} processus.",
        "en": "{count} portfolio(s) to build, {skipped} unchanged, with {processes} process(es).",
    },
    "all.progress": {"fr": "Construction", "en": "Building"},
    "all.columns": {
        "fr": "apprenant·e|notes|erreurs|avertissements|temps|résultat",
        "en": "learner|notes|errors|warnings|time|result",
    },
    "all.status.built": {"fr": "construit", "en": "built"},
    "all.status.unchanged": {"fr": "inchangé", "en": "unchanged"},
    "all.status.failed": {"fr": "ÉCHEC (site précédent conservé)", "en": "FAILED (previous site kept)"},
    "all.summary": {
        "fr": "{built} construit(s), {unchanged} inchangé(s), {failed} en échec ; {listed} dans l'index ; {seconds} s.",
        "en": "{built} built, {unchanged} unchanged, {failed} failed; {listed} in the index; {seconds} s.",
    },
    "all.bad-shard": {
        "fr": "--shard attend i/n avec 1 ≤ i ≤ n (par exemple 2/4).",
        "en": "--shard expects i/n with 1 ≤ i ≤ n (for example 2/4).",
    },
    # -- Command-line help ---------------------------------------------------------------
    "help.strict": {"fr": "Échoue aussi sur les avertissements.", "en": "Fail on warnings too."},
    "help.format-check": {"fr": "text : groupé par fichier ; json : pour les outils ; lignes : fichier:ligne: … pour les éditeurs.", "en": "text: grouped by file; json: for tools; lignes: file:line: … for editors."},
    "help.langue": {"fr": "Langue des messages.", "en": "Language of the messages."},
    "help.since": {"fr": "Manifeste d'une publication précédente (ou le dossier du site qui le contient).", "en": "Manifest of a previous publication (or the site folder that holds it)."},
    "help.format": {"fr": "Format de sortie.", "en": "Output format."},
    "help.audit-portfolio": {"fr": "Le mkdocs.yml ou le dossier du portfolio dont le site est issu.", "en": "The mkdocs.yml or portfolio folder the site was built from."},
    "help.init-langue": {"fr": "Langue du portfolio.", "en": "Language of the portfolio."},
    "help.competences": {"fr": "Identifiants de compétences, séparés par des virgules.", "en": "Competence ids, separated by commas."},
    "help.modele": {"fr": "Modèle de réflexion (récits) : ses étapes deviennent les sections du récit.", "en": "Reflection model (stories): its steps become the story's sections."},
    "help.fichier": {"fr": "Trace : fichier à copier à côté de la note.", "en": "Evidence: a file to copy beside the note."},
    "help.lien": {"fr": "Trace : adresse web.", "en": "Evidence: a web address."},
    "help.domaine": {"fr": "Compétence absente du référentiel : son domaine.", "en": "Competence not in the framework: its domain."},
    "help.portfolio": {"fr": "Le mkdocs.yml ou le dossier du portfolio.", "en": "The mkdocs.yml or the portfolio folder."},
    "help.schema-portfolio": {"fr": "Le mkdocs.yml ou le dossier du portfolio (pour ses compétences et niveaux).", "en": "The mkdocs.yml or the portfolio folder (for its competences and levels)."},
    "help.schema-folder": {"fr": "Où écrire les schémas.", "en": "Where to write the schemas."},
    "help.pdf": {"fr": "Le fichier PDF à écrire.", "en": "The PDF file to write."},
    "help.out": {"fr": "Le site de l'établissement.", "en": "The institution's site."},
    "help.processes": {"fr": "Constructions en parallèle (par défaut : tous les cœurs).", "en": "Builds in parallel (default: all cores)."},
    "help.shard": {"fr": "i/n : ne construire que la part i sur n (pour répartir sur plusieurs jobs de CI).", "en": "i/n: build only part i of n (to split the work across CI jobs)."},
    "help.force": {"fr": "Reconstruire même les portfolios inchangés.", "en": "Rebuild even unchanged portfolios."},
    "help.index-only": {"fr": "Réécrire seulement l'index (après des jobs --shard).", "en": "Only rewrite the index (after --shard jobs)."},
    "help.main": {"fr": "Cheminement : publier son parcours, ses compétences et ses récits.", "en": "Cheminement: publish one's path, competences and stories."},
    "help.check": {"fr": "Vérifie le portfolio (PATH : un mkdocs.yml ou le dossier du portfolio).", "en": "Check the portfolio (PATH: a mkdocs.yml or the portfolio folder)."},
    "help.publication": {"fr": "Ce qui sera publié, ce qui reste privé, et ce qui a changé depuis la dernière fois.", "en": "What will be published, what stays private, and what changed since last time."},
    "help.audit": {"fr": "Cherche dans SITE tout contenu des notes privées (titres, textes, fichiers).", "en": "Search SITE for any content of private notes (titles, texts, files)."},
    "help.init": {"fr": "Crée un portfolio prêt à construire dans DIRECTORY (sans rien écraser).", "en": "Create a portfolio ready to build in DIRECTORY (overwriting nothing)."},
    "help.new": {"fr": "Écrit une nouvelle note (recit, parcours, trace, competence) et affiche son chemin.", "en": "Write a new note (recit, parcours, trace, competence) and print its path."},
    "help.schema": {"fr": "Écrit les schémas JSON de l'en-tête de chaque type de note et du référentiel.", "en": "Write the JSON Schemas of each note kind's front matter and of the framework."},
    "help.dossier": {"fr": "Construit le site et imprime le dossier (toute la partie publiée) en PDF.", "en": "Build the site and print the dossier (everything published) to PDF."},
    "help.build-all": {"fr": "Construit tous les portfolios de ROOT (un par sous-dossier) dans OUT/<dossier>/, en parallèle.", "en": "Build every portfolio of ROOT (one per sub-folder) into OUT/<folder>/, in parallel."},
    "build.failed": {
        "fr": "Le portfolio contient {count} erreur(s) ; rien n'a été publié :",
        "en": "The portfolio has {count} error(s); nothing was published:",
    },
}


class Term(str):
    """A catalogue key passed as a message parameter, translated when the message is shown."""


def message(key: str, lang: str = "fr", /, **params: Any) -> str:
    """The text of `key` in `lang` (French when the language is unknown), formatted."""
    entry = CATALOGUE[key]
    text = entry.get(lang) or entry["fr"]
    shown = {name: message(value, lang) if isinstance(value, Term) else value for name, value in params.items()}
    return text.format(**shown)


def plural(key: str, count: int, lang: str = "fr") -> str:
    """`key.one` or `key.other`; French treats 0 and 1 as singular, English only 1."""
    one = count in (0, 1) if lang == "fr" else count == 1
    return message(f"{key}.{'one' if one else 'other'}", lang, n=count)


def language(value: str | None) -> str:
    """Map a theme language such as `fr-CA` or `en` to a catalogue language."""
    base = (value or "fr").split("-")[0].split("_")[0].lower()
    return base if base in LANGUAGES else "fr"
