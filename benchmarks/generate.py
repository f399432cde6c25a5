"""Generate a realistic French Cheminement portfolio of any size, deterministically.

    python benchmarks/generate.py N OUT_DIR [--seed S]

writes OUT_DIR/docs/ (N récits, N/10 parcours, N/5 traces with their files, a référentiel of
40 competences in 6 domains, a few competence pages, a private journal, index.md) and two
configs that build the same docs, plus the same public notes laid out as a blog:

- OUT_DIR/mkdocs.yml: Material + search + cheminement;
- OUT_DIR/mkdocs-bare.yml: Material + search only, a one-page nav, every note folder in
  `not_in_nav`, and the private notes (and files only they use) in `exclude_docs`, so both
  builds publish comparable sets of pages;
- OUT_DIR/mkdocs-blog.yml over OUT_DIR/docs-blog/: what a learner could do with Material
  alone: the public récits as posts of Material's blog plugin (full date, tags = the titles
  of their competences, an excerpt), a tag index page (Material's tags plugin), the other
  public notes as in the bare config.

`--dossier K` marks K public récits and traces `dossier: true` (a dossier for a jury built
from its selection, as a learner with a large portfolio would choose).

About 10 % of the notes are private (`visibilite: prive`). Every generated portfolio is
meant to pass `cheminement check --strict` and `mkdocs build --strict`, so a problem
reported on one is a product bug (or a generator bug) worth looking at.

Standard library only: the same seed and N always give byte-identical files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import shutil
import struct
import sys
import unicodedata
import zlib
from dataclasses import dataclass, field
from pathlib import Path

GENERATOR_VERSION = 4  # bump when the output changes, to invalidate caches
SCALE = ("Découverte", "Application", "Maîtrise", "Expertise")
MODELS = ("gibbs", "kolb", "star", "schon", "quoi-et-alors")
FIRST_YEAR, LAST_YEAR = 1995, 2026

# -- The référentiel: 40 competences in 6 domains -------------------------------------------

DOMAINS: list[tuple[str, str, list[tuple[str, str, str]]]] = [
    ("relation", "Relation d'accompagnement", [
        ("ecoute-active", "Pratiquer l'écoute active", "Reformuler, questionner et laisser toute sa place au récit de la personne accompagnée."),
        ("alliance-travail", "Construire l'alliance de travail", "Poser un cadre clair, contractualiser les objectifs et instaurer une confiance qui permet le travail."),
        ("entretien-explicitation", "Conduire un entretien d'explicitation", "Aider la personne à décrire finement une action vécue pour en faire émerger les savoirs implicites."),
        ("accueil-emotions", "Accueillir les émotions", "Faire place aux émotions qui surgissent en entretien sans les fuir ni s'y laisser submerger."),
        ("questionnement", "Questionner sans orienter", "Choisir des questions ouvertes qui aident la personne à chercher ses propres réponses."),
        ("reformulation", "Reformuler avec justesse", "Rendre à la personne ses propres mots, dans un ordre où elle peut les entendre."),
        ("gestion-conflits", "Réguler les tensions et les conflits", "Nommer un désaccord, écouter chaque point de vue et chercher une issue acceptable."),
    ]),
    ("orientation", "Orientation et projet professionnel", [
        ("projet-professionnel", "Accompagner la construction d'un projet professionnel", "Relier compétences, valeurs et marché du travail pour bâtir un projet réaliste."),
        ("analyse-parcours", "Analyser un parcours", "Faire émerger les compétences transférables d'une histoire professionnelle."),
        ("connaissance-metiers", "Connaître les métiers et les formations", "Mobiliser une information fiable et à jour sur les métiers, les certifications et les financements."),
        ("marche-travail", "Lire le marché du travail local", "Repérer les secteurs qui recrutent et les réalités d'un bassin d'emploi."),
        ("recherche-emploi", "Outiller la recherche d'emploi", "Travailler le CV, la lettre, l'entretien de recrutement et le réseau."),
        ("validation-acquis", "Accompagner une VAE", "Aider la personne à décrire son expérience pour obtenir tout ou partie d'une certification."),
        ("transitions", "Accompagner les transitions", "Soutenir une personne dans une reconversion, une reprise d'études ou une mobilité."),
    ]),
    ("ingenierie", "Ingénierie de formation", [
        ("analyse-besoins", "Analyser une demande et des besoins", "Distinguer la demande exprimée du besoin réel en croisant les points de vue."),
        ("conception-dispositif", "Concevoir un dispositif de formation", "Formuler des objectifs, construire une progression et choisir des modalités adaptées."),
        ("scenarisation", "Scénariser une séquence", "Organiser les activités, les supports et le temps d'une séquence d'apprentissage."),
        ("individualisation", "Individualiser un parcours", "Adapter le parcours aux acquis, au rythme et aux contraintes de chaque personne."),
        ("ingenierie-financiere", "Monter le financement d'un parcours", "Mobiliser le CPF, les OPCO et les aides régionales au service d'un projet."),
        ("partenariats", "Construire des partenariats", "Associer entreprises, financeurs et structures du territoire à un projet de formation."),
        ("modalites-hybrides", "Concevoir des modalités hybrides", "Articuler présentiel, distanciel et situations de travail."),
    ]),
    ("animation", "Animation et pédagogie", [
        ("animation-groupe", "Animer un groupe d'adultes", "Faciliter les apprentissages et les échanges en s'appuyant sur des méthodes actives."),
        ("pedagogie-active", "Mettre en œuvre une pédagogie active", "Partir de l'expérience des personnes et les rendre actrices de leurs apprentissages."),
        ("dynamique-groupe", "Réguler la dynamique d'un groupe", "Observer ce qui se joue dans un groupe et ajuster l'animation en conséquence."),
        ("formation-distance", "Animer à distance", "Maintenir l'attention, la participation et le lien dans une classe virtuelle."),
        ("supports-pedagogiques", "Créer des supports pédagogiques", "Produire des supports clairs, accessibles et utiles après la formation."),
        ("prise-parole", "Prendre la parole en public", "Structurer un propos et l'adapter à son auditoire."),
    ]),
    ("evaluation", "Évaluation et qualité", [
        ("evaluation-acquis", "Évaluer les acquis", "Concevoir des évaluations qui mesurent les acquis et éclairent les ajustements."),
        ("evaluation-dispositif", "Évaluer un dispositif", "Recueillir et analyser les effets d'une action de formation ou d'accompagnement."),
        ("demarche-qualite", "Contribuer à la démarche qualité", "Appliquer et faire vivre les indicateurs d'un référentiel qualité."),
        ("indicateurs", "Construire des indicateurs", "Choisir quelques indicateurs utiles et les suivre dans le temps."),
        ("retour-experience", "Organiser un retour d'expérience", "Analyser collectivement une action pour en tirer des enseignements."),
        ("certification", "Préparer à une certification", "Accompagner des candidats vers les épreuves d'un titre ou d'un diplôme."),
    ]),
    ("professionnalite", "Posture et développement professionnel", [
        ("reflexivite", "Analyser sa propre pratique", "Prendre du recul sur ses actions pour comprendre ce qui se joue et progresser."),
        ("ethique", "Agir avec éthique", "Respecter la confidentialité, le consentement et l'autonomie des personnes."),
        ("analyse-pratique", "Participer à l'analyse de pratiques", "Exposer une situation à des pairs et accueillir leurs questions."),
        ("travail-reseau", "Travailler en réseau", "Coopérer avec les partenaires d'un territoire au service des personnes."),
        ("veille", "Assurer une veille professionnelle", "Suivre les évolutions réglementaires, pédagogiques et du marché du travail."),
        ("numerique", "Utiliser les outils numériques", "Choisir et maîtriser les outils numériques utiles à l'accompagnement."),
        ("gestion-charge", "Organiser sa charge de travail", "Planifier, prioriser et préserver la qualité de l'accompagnement."),
    ]),
]
RNCP = {"conception-dispositif": "RNCP37275BC01", "animation-groupe": "RNCP37275BC02",
        "evaluation-acquis": "RNCP37275BC02", "individualisation": "RNCP37275BC03",
        "ecoute-active": "RNCP35504BC02", "projet-professionnel": "RNCP35504BC03"}
COMPETENCES = [(cid, title, domain) for domain, _, comps in DOMAINS for cid, title, _ in comps]
assert len(COMPETENCES) == 40 and len(DOMAINS) == 6

# -- Phrase bank -------------------------------------------------------------------------------

FIRST_NAMES = ["Claire", "Nadia", "Julien", "Sophie", "Karim", "Élodie", "Thomas", "Amandine",
               "Mehdi", "Camille", "Laurent", "Inès", "Sébastien", "Aurélie", "Yann", "Fatou"]
LAST_NAMES = ["Moreau", "Benali", "Lefèvre", "Garnier", "Rousseau", "Diallo", "Chevalier",
              "Fontaine", "Mercier", "Nguyen", "Lambert", "Girard", "Perrin", "Bonnet"]
CITIES = ["Lyon", "Grenoble", "Saint-Étienne", "Villeurbanne", "Clermont-Ferrand", "Annecy",
          "Valence", "Chambéry", "Bourg-en-Bresse", "Vienne", "Mâcon", "Roanne", "Paris",
          "Marseille", "Nantes", "Lille", "Toulouse", "Rennes", "Dijon", "Besançon"]
ORGS = {
    "emploi": ["Cabinet Itinéraires", "Trajectoires Conseil", "GRETA Lyon Métropole", "AFPA Rhône",
               "Mission locale Sud-Isère", "Solvia Équipements", "Bureautique Rhône-Alpes",
               "France Travail", "Cap Emploi", "Centre Ariane Formation", "Maison de l'emploi",
               "CIBC Auvergne", "Association Tremplin", "Lycée professionnel Jean-Moulin"],
    "formation": ["Université Lyon 2", "CNAM Auvergne-Rhône-Alpes", "Centre Ariane Formation",
                  "AFPA", "IUT de Grenoble", "Université Grenoble Alpes", "CAFOC de Lyon"],
    "stage": ["Mission locale de Vienne", "Cap Emploi Isère", "GRETA Nord-Isère",
              "Service RH de la Métropole", "Cabinet Horizons"],
    "benevolat": ["Passerelles Emploi", "Secours populaire", "Emmaüs Connect", "Restos du cœur",
                  "Association Lire et écrire", "Club de rugby de Vienne"],
    "projet": ["Collectif Accompagner autrement", "Réseau des conseillers bilan", "Projet Erasmus+ Mobil'Adultes",
               "Fab Lab de la Croix-Rousse"],
    "certification": ["Ministère du Travail", "France compétences", "Université Lyon 2", "CNAM"],
}
PARCOURS_TITLES = {
    "emploi": ["Conseiller·ère en insertion professionnelle", "Formateur·rice d'adultes",
               "Conseiller·ère en bilan de compétences", "Chargé·e de relations entreprises",
               "Responsable pédagogique", "Coordinateur·rice de formation", "Commercial·e terrain",
               "Responsable grands comptes", "Assistant·e de formation", "Chargé·e de mission emploi"],
    "formation": ["Master Ingénierie et conseil en formation", "Titre professionnel Formateur professionnel d'adultes",
                  "DU Accompagnement des transitions professionnelles", "Licence Sciences de l'éducation",
                  "Formation à l'entretien d'explicitation", "BTS Négociation et relation client",
                  "Formation de formateurs à distance"],
    "stage": ["Stage en mission locale", "Stage d'observation en bilan de compétences",
              "Stage de conseiller·ère en insertion", "Stage en service formation"],
    "benevolat": ["Accompagnement de demandeurs d'emploi", "Ateliers d'écriture de CV",
                  "Soutien à l'alphabétisation", "Parrainage de jeunes diplômés", "Permanences numériques"],
    "projet": ["Création d'un atelier collectif « Mes atouts »", "Refonte du livret d'accueil",
               "Conception d'un parcours hybride", "Groupe de travail qualité", "Mise en place d'un tutorat"],
    "certification": ["Certification Qualiopi de la structure", "Habilitation VAE",
                      "Certificat de compétences professionnelles", "Certification PIX"],
}
PEOPLE = ["une bénéficiaire", "un bénéficiaire", "une stagiaire", "un stagiaire", "ma tutrice", "mon tuteur",
          "une collègue", "un collègue", "la responsable du service", "le directeur", "une demandeuse d'emploi",
          "un jeune de vingt ans", "une personne en reconversion", "un candidat à la VAE", "une formatrice expérimentée",
          "le groupe", "la commanditaire", "un employeur partenaire", "ma superviseure", "une ancienne infirmière",
          "un ancien chauffeur routier", "une mère de trois enfants", "un cadre licencié"]
PLACES = ["au cabinet", "dans la petite salle du deuxième étage", "à l'agence", "en classe virtuelle",
          "dans les locaux de l'association", "au centre de formation", "dans mon bureau",
          "chez un employeur partenaire", "en visioconférence", "dans la salle de réunion",
          "au forum de l'emploi", "pendant la permanence du jeudi"]
ACTIVITIES = ["un premier entretien", "un entretien de bilan", "un atelier collectif", "une séance de co-animation",
              "une réunion d'équipe", "un entretien de suivi", "une journée de formation", "une classe virtuelle",
              "un jury blanc", "une séance d'analyse de pratiques", "un entretien de restitution",
              "un comité de pilotage", "une visite en entreprise", "un atelier CV", "une simulation d'entretien"]
MOMENTS = ["Un mardi matin", "Ce jour-là", "En fin d'après-midi", "Au début de la séance", "Quelques minutes plus tard",
           "Vers la fin de l'entretien", "Le lendemain", "La semaine suivante", "Au bout d'une heure",
           "Dès les premières minutes", "Un vendredi de novembre", "Au retour des vacances"]
FEELINGS = ["de la gêne", "une vraie fierté", "de l'inquiétude", "un certain soulagement", "de l'agacement",
            "de la curiosité", "un peu de honte", "de l'enthousiasme", "une grande fatigue", "de la surprise",
            "du découragement", "de la joie", "un doute tenace"]
TOOLS = ["une grille d'entretien", "un photolangage", "le portefeuille de compétences", "une carte mentale",
         "un tableau de bord", "la méthode des incidents critiques", "un questionnaire d'intérêts",
         "un jeu de cartes valeurs", "le référentiel du titre", "une frise chronologique", "un tableur partagé"]
LESSONS = ["écouter avant de proposer", "laisser du silence", "nommer ce que j'observe", "vérifier ce que j'ai compris",
           "revenir au cadre", "partir de l'expérience de la personne", "ne pas vouloir aller trop vite",
           "demander de l'aide", "préparer davantage", "accepter de ne pas savoir", "faire confiance au groupe",
           "séparer les faits de mes interprétations", "rendre la personne actrice de ses choix"]

SITUATION = [
    "{moment}, {place}, j'ai mené {activity} avec {person}.",
    "La situation se passe {place}, pendant {activity} que je préparais depuis plusieurs jours.",
    "{person_cap} est arrivé·e avec un quart d'heure de retard et beaucoup de questions.",
    "J'avais prévu d'utiliser {tool}, mais rien ne s'est passé comme prévu.",
    "Le contexte était particulier : l'équipe venait de changer et les consignes n'étaient pas encore claires.",
    "Il s'agissait de la troisième rencontre, et le travail semblait piétiner depuis la précédente.",
    "{person_cap} m'a expliqué son parcours en quelques phrases, presque en s'excusant.",
    "Nous étions huit autour de la table, dont deux personnes qui ne s'étaient jamais parlé.",
    "La commande de la direction tenait en une ligne : « faire monter le groupe en compétences ».",
    "J'ai commencé par rappeler le cadre, la durée et la confidentialité des échanges.",
    "Très vite, la discussion a dérivé vers une question que je n'avais pas anticipée.",
    "{moment}, {person} m'a dit : « Je ne vois pas à quoi tout cela va me servir. »",
    "Le support que j'avais préparé s'est révélé trop dense pour le temps disponible.",
    "J'ai proposé un tour de table, puis un temps de travail individuel avec {tool}.",
    "La connexion a coupé deux fois, et une partie du groupe a décroché.",
    "Je suis intervenu·e pour reformuler, mais ma reformulation a été mal reçue.",
]
FEELING = [
    "Sur le moment, j'ai ressenti {feeling}, que j'ai eu du mal à masquer.",
    "J'avoue avoir éprouvé {feeling} en sortant de la salle.",
    "Ce qui domine dans mon souvenir, c'est {feeling}, et une forme de lucidité.",
    "Je me suis surpris·e à penser que je n'étais pas à ma place.",
    "Pendant quelques secondes, je n'ai plus su quoi dire, et ce silence m'a paru très long.",
    "J'ai senti monter {feeling}, puis une envie de reprendre le contrôle de l'échange.",
    "Après coup, il m'est surtout resté {feeling}, et l'envie de comprendre.",
    "Je me souviens d'avoir regardé l'horloge plusieurs fois, signe que je n'étais plus vraiment présent·e.",
]
ANALYSIS = [
    "En relisant mes notes, je constate que j'ai parlé beaucoup plus que {person}.",
    "Je crois que j'ai confondu la demande exprimée et le besoin réel.",
    "Ce qui a fonctionné, c'est d'avoir pris le temps de {lesson}.",
    "Ce qui a moins bien fonctionné tient à ma difficulté à {lesson}.",
    "Avec le recul, je vois que mon intervention répondait davantage à mon inconfort qu'à la situation.",
    "Les lectures sur l'alliance de travail m'ont aidé·e à comprendre ce qui s'était joué.",
    "Ma tutrice m'a fait remarquer que j'avais posé trois questions fermées d'affilée.",
    "Le groupe d'analyse de pratiques m'a renvoyé une autre lecture de la scène, plus nuancée que la mienne.",
    "Je mesure combien le cadre posé au départ conditionne tout ce qui suit.",
    "La personne n'attendait pas une solution, mais d'être entendue dans sa façon de voir les choses.",
    "J'ai voulu bien faire en allant vite, et c'est précisément ce qui a freiné le travail.",
    "En comparant avec une situation antérieure, je retrouve le même réflexe de vouloir rassurer trop tôt.",
    "Le modèle de Kolb m'aide à voir que j'étais resté·e bloqué·e dans l'expérience, sans passer à l'analyse.",
    "L'utilisation de {tool} a permis de déplacer la discussion vers des exemples concrets.",
    "Je comprends mieux pourquoi il est si important de {lesson}.",
    "Les retours écrits des participants confirment cette impression, avec quelques surprises.",
]
LEARNING = [
    "J'en retiens qu'il vaut mieux {lesson} que de chercher à tout maîtriser.",
    "Cette expérience a changé ma manière d'ouvrir un entretien.",
    "Je sais désormais repérer plus tôt les signes de décrochage dans un groupe.",
    "J'ai appris à {lesson}, ce qui n'allait pas de soi pour moi.",
    "Je garde de cette séance une règle simple : {lesson}.",
    "Cette situation m'a montré l'écart entre ce que je crois faire et ce que je fais réellement.",
    "Je me sens aujourd'hui plus à l'aise pour nommer une difficulté sans la dramatiser.",
    "C'est sans doute la première fois que j'ai pu relier la théorie à ma propre pratique.",
]
ACTION = [
    "Pour la prochaine fois, je prévois de {lesson} dès le début.",
    "Je vais retravailler {tool} avec une collègue avant de l'utiliser de nouveau.",
    "J'ai demandé à ma responsable un temps d'observation croisée.",
    "Je me suis inscrit·e à une formation courte sur l'entretien d'explicitation.",
    "Je note désormais, après chaque séance, une chose réussie et une chose à changer.",
    "Je prévois de relire cette situation dans six mois pour mesurer le chemin parcouru.",
    "Je proposerai au groupe un temps de bilan intermédiaire plutôt qu'une évaluation finale seulement.",
]
LIST_ITEMS = [
    "préparer un déroulé plus court", "{lesson}", "tester {tool} avec un petit groupe",
    "prévoir un temps de pause", "demander un retour écrit aux participants",
    "relire mes notes le soir même", "en parler en supervision", "clarifier la commande en amont",
]
LINK_SENTENCES = [
    "Cette situation fait écho à {link}, que j'ai écrit quelques mois plus tôt.",
    "J'y vois un lien avec {link}.",
    "Elle m'a obligé·e à travailler {link}, plus que je ne l'aurais cru.",
    "Je relis souvent {link} à la lumière de ce qui s'est passé ce jour-là.",
    "Sur ce point, je renvoie à {link}.",
    "C'est aussi ce que je cherchais à développer dans {link}.",
]
SECTIONS = {
    "gibbs": [("Description", SITUATION), ("Ressentis", FEELING), ("Évaluation", ANALYSIS),
              ("Analyse", ANALYSIS), ("Conclusion", LEARNING), ("Plan d'action", ACTION)],
    "kolb": [("Expérience concrète", SITUATION), ("Observation réfléchie", ANALYSIS),
             ("Conceptualisation", LEARNING), ("Expérimentation active", ACTION)],
    "star": [("Situation", SITUATION), ("Tâche", SITUATION), ("Action", ANALYSIS), ("Résultat", LEARNING)],
    "schon": [("Ce qui s'est passé", SITUATION), ("Réflexion dans l'action", FEELING),
              ("Réflexion sur l'action", ANALYSIS), ("Ce que je change", ACTION)],
    "quoi-et-alors": [("Quoi ?", SITUATION), ("Et alors ?", ANALYSIS), ("Et maintenant ?", ACTION)],
}
TITLE_HEADS = ["Le premier entretien", "L'atelier", "La séance", "Le jury blanc", "La réunion", "L'entretien de suivi",
               "La classe virtuelle", "La visite en entreprise", "Le tour de table", "La restitution",
               "Le groupe du jeudi", "La question", "Le silence", "Le comité de pilotage", "La reformulation"]
TITLE_TAILS = ["qui a dérapé", "où tout a basculé", "que je n'avais pas prévu", "de trop", "qui m'a appris à écouter",
               "sans support", "à distance", "avec un groupe difficile", "d'une personne en colère",
               "qui a tout changé", "qui a bien fini", "mal préparé·e", "en binôme", "qui a duré trois heures"]
TAGS = ["bilan", "reconversion", "groupe", "distance", "VAE", "entretien", "posture", "erreur", "réussite",
        "tutorat", "évaluation", "jeunes", "seniors", "émotions", "cadre", "numérique", "partenariat"]
JOURNAL_LINES = [
    "Journée longue. Je note ici ce que je n'ose pas encore écrire ailleurs.",
    "Je doute de ma capacité à tenir le rythme entre le travail, la formation et la maison.",
    "Échange tendu avec ma responsable : je dois en reparler calmement la semaine prochaine.",
    "Une bénéficiaire m'a remercié·e aujourd'hui ; j'ai failli pleurer dans le tramway.",
    "Je ne suis pas sûr·e de vouloir rester dans cette structure après l'été.",
]

# -- Small real files for traces ---------------------------------------------------------------


def png_bytes(rng: random.Random, size: int = 24) -> bytes:
    """A tiny valid RGB PNG: a two-colour gradient, different for every trace."""
    a = [rng.randrange(256) for _ in range(3)]
    b = [rng.randrange(256) for _ in range(3)]
    rows = bytearray()
    for y in range(size):
        rows.append(0)
        for x in range(size):
            t = (x + y) / (2 * size - 2)
            rows.extend(int(a[i] + (b[i] - a[i]) * t) for i in range(3))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b"")


def pdf_bytes(title: str) -> bytes:
    """A tiny valid one-page PDF with one line of (ASCII) text."""
    text = ascii_fold(title).replace("\\", "").replace("(", "").replace(")", "")[:80]
    stream = f"BT /F1 14 Tf 56 760 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def ascii_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).encode("ascii", "ignore").decode()


def slug(text: str, limit: int = 40) -> str:
    return re.sub(r"[^a-z0-9]+", "-", ascii_fold(text).lower()).strip("-")[:limit].strip("-")


# -- YAML writing (by hand, as a learner would) ------------------------------------------------

_PLAIN_START = re.compile(r"^[-?:,\[\]{}#&*!|>'\"%@`\s]")


def q(value: str) -> str:
    """A YAML scalar: plain when safe, else double-quoted (JSON strings are valid YAML)."""
    if (not value or _PLAIN_START.search(value) or ": " in value or " #" in value or value.endswith(":") or "," in value
            or value != value.strip() or value.lower() in ("true", "false", "null", "~", "yes", "no")
            or re.fullmatch(r"[+-]?\d+(\.\d+)?([eE][+-]?\d+)?", value)):
        return json.dumps(value, ensure_ascii=False)
    return value


# -- The portfolio ---------------------------------------------------------------------------


@dataclass
class Entry:
    kind: str
    id: str
    path: str  # relative to docs/
    title: str
    private: bool = False
    year: int = 0
    start: dt.date | None = None
    end: dt.date | None = None
    extra: dict = field(default_factory=dict)


class Generator:
    def __init__(self, n: int, seed: int, chosen: int = 0) -> None:
        self.n = n
        self.chosen = chosen
        self.rng = random.Random(f"cheminement-bench-{seed}-{n}")
        self.files: dict[str, bytes] = {}
        self.private_paths: list[str] = []

    # Words ----------------------------------------------------------------------------

    def fill(self, template: str) -> str:
        r = self.rng
        person = r.choice(PEOPLE)
        activity = r.choice(ACTIVITIES)
        values = {
            "moment": r.choice(MOMENTS), "place": r.choice(PLACES), "activity": activity,
            "person": person, "person_cap": person[0].upper() + person[1:], "feeling": r.choice(FEELINGS),
            "tool": r.choice(TOOLS), "lesson": r.choice(LESSONS),
        }
        text = template.format(**values)
        for wrong, right in ((" de le ", " du "), (" de les ", " des "), (" à le ", " au "), (" à les ", " aux ")):
            text = text.replace(wrong, right)
        return text

    def paragraph(self, bank: list[str], sentences: int) -> str:
        return " ".join(self.sentences(bank, sentences))

    def sentences(self, bank: list[str], count: int) -> list[str]:
        """`count` different sentences of a bank (no sentence twice in a section)."""
        return [self.fill(t) for t in self.rng.sample(bank, min(count, len(bank)))]

    def level(self, year: int) -> str:
        # Levels drift upwards with time, so the progression charts have a shape.
        base = (year - FIRST_YEAR) / (LAST_YEAR - FIRST_YEAR) * 3
        rank = max(0, min(3, round(base + self.rng.uniform(-1.2, 1.2))))
        return SCALE[rank]

    def date_between(self, start: dt.date, end: dt.date) -> dt.date:
        span = (end - start).days
        return start + dt.timedelta(days=self.rng.randrange(max(span, 1)))

    def written_date(self, day: dt.date, partial_share: float) -> str:
        roll = self.rng.random()
        if roll < partial_share / 3:
            return f"{day.year}"
        if roll < partial_share:
            return f"{day.year}-{day.month:02d}"
        return day.isoformat()

    # The notes ----------------------------------------------------------------------------

    def generate(self) -> None:
        n, r = self.n, self.rng
        self.learner = f"{r.choice(FIRST_NAMES)} {r.choice(LAST_NAMES)}"
        self.parcours = [self.make_parcours(i) for i in range(max(1, n // 10))]
        self.traces = [self.make_trace_entry(i) for i in range(max(1, n // 5))]
        self.recits = [self.make_recit_entry(i) for i in range(n)]
        self.by_id = {e.id: e for e in [*self.parcours, *self.traces, *self.recits]}
        # Who cites each trace: public traces may be cited by anyone, private ones only by
        # private récits (a public note citing a private trace is a warning by design).
        public_traces = [t for t in self.traces if not t.private]
        private_traces = [t for t in self.traces if t.private]
        for recit in self.recits:
            pool = public_traces + (private_traces if recit.private else [])
            count = r.choice((0, 0, 1, 1, 1, 2))
            recit.extra["traces"] = sorted({t.id for t in r.sample(pool, min(count, len(pool)))})
            for tid in recit.extra["traces"]:
                self.by_id[tid].extra.setdefault("cited_by", []).append(recit.id)
        self.write_referentiel()
        for entry in self.parcours:
            self.write_parcours(entry)
        for entry in self.recits:
            self.write_recit(entry)
        for entry in self.traces:
            self.write_trace(entry)
        self.write_competence_pages()
        self.write_journal()
        self.write_index()
        self.mark_chosen()

    def mark_chosen(self) -> None:
        """`dossier: true` on `chosen` public récits and traces, evenly spread (no draw:
        the rest of the portfolio stays byte-identical whatever `chosen` is)."""
        public = sorted((e for e in [*self.recits, *self.traces] if not e.private), key=lambda e: e.path)
        if not self.chosen or not public:
            return
        for entry in public[:: max(1, len(public) // self.chosen)][: self.chosen]:
            self.files[entry.path] = self.files[entry.path].replace(b"---\n", b"---\ndossier: true\n", 1)

    def make_parcours(self, i: int) -> Entry:
        r = self.rng
        ptype = r.choices(list(PARCOURS_TITLES), weights=(5, 2, 1, 2, 1, 1))[0]
        title = r.choice(PARCOURS_TITLES[ptype])
        start = self.date_between(dt.date(FIRST_YEAR, 1, 1), dt.date(LAST_YEAR - 1, 6, 1))
        end: dt.date | None
        if ptype == "certification":
            end = None  # a one-off event
        elif r.random() < 0.12:
            end = dt.date.max  # en cours
        else:
            months = {"emploi": 60, "formation": 24, "stage": 6, "benevolat": 48, "projet": 18}[ptype]
            end = min(start + dt.timedelta(days=r.randrange(30, months * 31)), dt.date(LAST_YEAR, 10, 31))
        pid = f"{start.year}-{slug(title, 32)}-p{i:04d}"
        return Entry("parcours", pid, f"parcours/{pid}.md", title, private=r.random() < 0.10,
                     year=start.year, start=start, end=end, extra={"type": ptype})

    def make_trace_entry(self, i: int) -> Entry:
        r = self.rng
        day = self.date_between(dt.date(FIRST_YEAR, 1, 1), dt.date(LAST_YEAR, 10, 31))
        what = r.choice(["Grille d'entretien", "Support d'atelier", "Attestation de formation", "Carte mentale",
                         "Compte rendu de séance", "Questionnaire de satisfaction", "Déroulé pédagogique",
                         "Photo du paperboard", "Bilan intermédiaire", "Fiche de poste"])
        title = f"{what} — {r.choice(ACTIVITIES)}"
        tid = f"{day.year}-{slug(what, 24)}-t{i:04d}"
        ext = r.choice(("png", "png", "pdf", "pdf", "txt"))
        return Entry("trace", tid, f"traces/{tid}.md", title, private=r.random() < 0.10, year=day.year,
                     start=day, extra={"ext": ext})

    def make_recit_entry(self, i: int) -> Entry:
        r = self.rng
        day = self.date_between(dt.date(FIRST_YEAR, 1, 1), dt.date(LAST_YEAR, 10, 31))
        title = f"{r.choice(TITLE_HEADS)} {r.choice(TITLE_TAILS)}"
        rid = f"{day.year}-{day.month:02d}-{slug(title, 36)}-{i:05d}"
        return Entry("recit", rid, f"recits/{day.year}/{rid}.md", title, private=r.random() < 0.10,
                     year=day.year, start=day)

    def competence_mapping(self, year: int, low: int, high: int) -> list[tuple[str, str]]:
        picked = self.rng.sample(COMPETENCES, self.rng.randint(low, high))
        return [(cid, self.level(year)) for cid, _, _ in picked]

    # Writers ------------------------------------------------------------------------------

    def put(self, path: str, content: str | bytes, private: bool = False) -> None:
        self.files[path] = content.encode("utf-8") if isinstance(content, str) else content
        if private:
            self.private_paths.append(path)

    def write_referentiel(self) -> None:
        lines = ["titre: Compétences de l'accompagnant·e et du formateur·rice d'adultes",
                 f"echelle: [{', '.join(SCALE)}]", "domaines:"]
        for did, dtitle, comps in DOMAINS:
            lines += [f"  - id: {did}", f"    titre: {q(dtitle)}", "    competences:"]
            for cid, title, description in comps:
                lines += [f"      - id: {cid}", f"        titre: {q(title)}", f"        description: {q(description)}"]
                if cid in RNCP:
                    lines.append(f"        ref: {{rncp: {RNCP[cid]}}}")
        self.put("referentiel.yml", "\n".join(lines) + "\n")

    def front(self, pairs: list[tuple[str, object]]) -> str:
        out = ["---"]
        for key, value in pairs:
            if value is None or value == [] or value == "":
                continue
            if isinstance(value, list) and value and isinstance(value[0], tuple):
                out.append(f"{key}:")
                out += [f"  {k}: {q(v)}" for k, v in value]
            elif isinstance(value, list):
                out.append(f"{key}: [{', '.join(q(str(v)) for v in value)}]")
            else:
                out.append(f"{key}: {q(str(value))}")
        out.append("---")
        return "\n".join(out) + "\n"

    def wikilinks(self, source: Entry, count: int) -> list[str]:
        """`count` links to other récits, competences or parcours (private targets included)."""
        r, links = self.rng, []
        while len(links) < count:
            roll = r.random()
            if roll < 0.45:
                target = r.choice(self.recits)
                if target.id == source.id:
                    continue
                text = None if r.random() < 0.7 else "ce récit"
                links.append(f"[[{target.id}|{text}]]" if text else f"[[{target.id}]]")
            elif roll < 0.8:
                cid, title, _ = r.choice(COMPETENCES)
                links.append(f"[[{cid}]]" if r.random() < 0.6 else f"[[{cid}|{title[0].lower() + title[1:]}]]")
            else:
                target = r.choice(self.parcours)
                if target.id == source.id:
                    continue
                links.append(f"[[{target.id}]]")
        return links

    def write_recit(self, e: Entry) -> None:
        r = self.rng
        model = r.choice(MODELS)
        competences = self.competence_mapping(e.year, 1, 4)
        candidates = [p for p in self.parcours if p.start.year <= e.year and (p.end is None or p.end.year >= e.year)]
        parcours = r.choice(candidates) if candidates else min(self.parcours, key=lambda p: p.start)
        resume = f"{r.choice(ACTIVITIES).capitalize()} {r.choice(PLACES)} : {r.choice(LESSONS)}."
        meta: list[tuple[str, object]] = [
            ("titre", e.title), ("date", self.written_date(e.start, 0.15)), ("competences", competences),
            ("parcours", parcours.id), ("traces", e.extra["traces"]), ("modele", model),
            ("tags", sorted(r.sample(TAGS, r.randint(1, 3)))), ("resume", resume),
        ]
        e.extra["competences"] = [cid for cid, _ in competences]
        if e.private:
            meta.append(("visibilite", "prive"))
        links = self.wikilinks(e, r.randint(2, 4))
        sections = SECTIONS[model]
        # Place each link in a random section, as its own sentence.
        placed: dict[int, list[str]] = {}
        for link in links:
            placed.setdefault(r.randrange(len(sections)), []).append(r.choice(LINK_SENTENCES).format(link=link))
        body, words = [], 0
        per_section = max(1, round(400 / len(sections) / 17))  # ~17 words per sentence
        for index, (heading, bank) in enumerate(sections):
            body.append(f"## {heading}\n")
            paragraphs = 2 if per_section >= 5 else 1
            chosen = self.sentences(bank, max(2, per_section + r.randint(-1, 1)))
            cut = len(chosen) // 2 if paragraphs == 2 else len(chosen)
            for p, part in enumerate((chosen[:cut], chosen[cut:]) if paragraphs == 2 else (chosen,)):
                text = " ".join(part)
                if p == paragraphs - 1 and index in placed:
                    text += " " + " ".join(placed[index])
                body.append(text + "\n")
                words += len(text.split())
            if bank is ACTION and r.random() < 0.5:
                items = r.sample(LIST_ITEMS, 3)
                body.append("\n".join(f"- {self.fill(i)} ;" for i in items[:-1]) + f"\n- {self.fill(items[-1])}.\n")
        self.put(e.path, self.front(meta) + "\n" + "\n".join(body), e.private)

    def write_parcours(self, e: Entry) -> None:
        r = self.rng
        ptype = e.extra["type"]
        if e.end is None:
            fin = None
        elif e.end == dt.date.max:
            fin = "en cours"
        else:
            fin = self.written_date(e.end, 0.4)
        debut = self.written_date(e.start, 0.4)
        if fin and fin != "en cours" and fin < debut:
            fin = e.end.isoformat()  # a partial end can sort before a precise start
        org = r.choice(ORGS[ptype])
        meta: list[tuple[str, object]] = [
            ("titre", e.title), ("type", ptype), ("organisation", org), ("lieu", r.choice(CITIES)),
            ("debut", debut), ("fin", fin),
            ("competences", self.competence_mapping(e.year, 2, 4) if r.random() < 0.6
             else [cid for cid, _ in self.competence_mapping(e.year, 1, 3)]),
            ("resume", f"{e.title} chez {org}."),
        ]
        if e.private:
            meta.append(("visibilite", "prive"))
        text = [self.paragraph(SITUATION, 3), self.paragraph(LEARNING, 2) + " "
                + r.choice(LINK_SENTENCES).format(link=self.wikilinks(e, 1)[0])]
        self.put(e.path, self.front(meta) + "\n" + "\n\n".join(text) + "\n", e.private)

    def write_trace(self, e: Entry) -> None:
        r = self.rng
        ext = e.extra["ext"]
        name = f"{e.id}.{ext}"
        if ext == "png":
            data = png_bytes(r)
        elif ext == "pdf":
            data = pdf_bytes(f"{e.title} ({e.id})")  # unique bytes: no two traces share a file
        else:
            # Words of its own, not the récits' phrase bank: a private récit's sentence found in a
            # public file would (rightly) make `cheminement audit` refuse the site.
            data = f"{e.title} ({e.id})\n\nDocument joint à la trace {e.id}, conservé tel quel.\n".encode()
        self.put(f"traces/{name}", data, e.private)
        competences: object = self.competence_mapping(e.year, 1, 3)
        if r.random() < 0.5:
            competences = [cid for cid, _ in competences]  # type: ignore[union-attr]
        meta: list[tuple[str, object]] = [
            ("titre", e.title), ("date", self.written_date(e.start, 0.3)), ("fichier", name),
            ("competences", competences), ("description", f"Document conservé comme preuve : {e.title.split(' — ')[0].lower()}."),
        ]
        if e.private:
            meta.append(("visibilite", "prive"))
        cited = e.extra.get("cited_by") or []
        if cited:
            tail = f" Ce document accompagne le récit [[{cited[0]}]]."
        else:
            tail = f" Voir aussi {self.wikilinks(e, 1)[0]}."
        body = self.paragraph(ANALYSIS, 2) + tail
        self.put(e.path, self.front(meta) + "\n" + body + "\n", e.private)

    def write_competence_pages(self) -> None:
        r = self.rng
        for cid, title, _ in r.sample(COMPETENCES, 10):
            rank = r.randrange(1, 4)
            meta = [("niveau", SCALE[rank - 1]), ("objectif", SCALE[min(rank, 3)])]
            body = (f"{self.paragraph(LEARNING, 2)} {self.paragraph(ACTION, 1)} "
                    + r.choice(LINK_SENTENCES).format(link=self.wikilinks(Entry('competence', cid, '', title), 1)[0]))
            self.put(f"competences/{cid}.md", self.front(meta) + "\n" + body + "\n")

    def write_journal(self) -> None:
        r = self.rng
        for i in range(max(3, self.n // 100)):
            day = self.date_between(dt.date(2015, 1, 1), dt.date(LAST_YEAR, 10, 31))
            title = r.choice(["Doutes", "Fatigue", "Une bonne journée", "Après la supervision", "Avant le jury"])
            meta = [("titre", f"{title} ({day.isoformat()})"), ("date", day.isoformat())]
            body = " ".join(r.sample(JOURNAL_LINES, 3)) + " " + self.paragraph(FEELING, 2)
            self.put(f"journal/{day.isoformat()}-{i:03d}.md", self.front(meta) + "\n" + body + "\n")

    def write_index(self) -> None:
        public = [e for e in self.recits if not e.private]
        showcase = self.rng.sample(public, min(3, len(public)))
        lines = [
            f"# {self.learner}", "",
            "Ce portfolio rassemble mon parcours, les compétences de mon référentiel d'accompagnant·e "
            "et de formateur·rice d'adultes, et les récits réflexifs qui les étayent. Il me sert à la "
            "fois de carnet de route et de dossier de preuves.", "",
            f"Il compte {len(public)} récits publics, écrits entre {FIRST_YEAR} et {LAST_YEAR}.", "",
            "## Par où commencer", "",
        ]
        lines += [f"- [[{e.id}]]" for e in showcase]
        self.put("index.md", "\n".join(lines) + "\n")

    # Output ---------------------------------------------------------------------------

    def write(self, out: Path) -> dict[str, int]:
        docs = out / "docs"
        if docs.exists():
            shutil.rmtree(docs)
        for path, data in sorted(self.files.items()):
            target = docs / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        self.write_configs(out)
        self.write_blog(out)
        return {
            "recits": len(self.recits), "parcours": len(self.parcours), "traces": len(self.traces),
            "private_notes": sum(e.private for e in [*self.recits, *self.parcours, *self.traces]),
            "journal": sum(1 for p in self.files if p.startswith("journal/")),
            "files": len(self.files), "bytes": sum(len(b) for b in self.files.values()),
        }

    def write_configs(self, out: Path) -> None:
        common = [
            "docs_dir: docs",
            "theme:",
            "  name: material",
            "  language: fr",
            "  font: false",
            "  features:",
            "    - navigation.sections",
            "    - navigation.top",
            "    - search.highlight",
        ]
        tail = [
            "markdown_extensions:",
            "  - attr_list",
            "  - md_in_html",
            "  - toc:",
            "      permalink: true",
            "validation:",
            "  omitted_files: warn",
            "  absolute_links: warn",
            "  unrecognized_links: warn",
        ]
        name = json.dumps(f"Portfolio de {self.learner}", ensure_ascii=False)
        plugin = [f"# Generated by benchmarks/generate.py (N={self.n}): the plugin build.",
                  f"site_name: {name}", *common, "plugins:", "  - search", "  - cheminement", *tail]
        excluded = ["journal/", *sorted(f"/{p}" for p in self.private_paths if not p.startswith("journal/"))]
        bare = [f"# Generated by benchmarks/generate.py (N={self.n}): the same notes on bare MkDocs + Material,",
                "# notes kept out of the nav, private notes and their files excluded.",
                f"site_name: {name}", *common, "plugins:", "  - search",
                "nav:", "  - Accueil: index.md",
                "not_in_nav: |", "  /recits/", "  /parcours/", "  /traces/", "  /competences/",
                "exclude_docs: |", *(f"  {p}" for p in excluded), *tail]
        (out / "mkdocs.yml").write_text("\n".join(plugin) + "\n", encoding="utf-8")
        (out / "mkdocs-bare.yml").write_text("\n".join(bare) + "\n", encoding="utf-8")
        blog = [f"# Generated by benchmarks/generate.py (N={self.n}): the public récits as Material blog posts,",
                "# tagged with their competences; the other public notes as in mkdocs-bare.yml.",
                f"site_name: {name}", "docs_dir: docs-blog", *common[1:], "plugins:", "  - search", "  - blog",
                "  - tags", "nav:", "  - Accueil: index.md", "  - Récits: blog/index.md", "  - Compétences: tags.md",
                "not_in_nav: |", "  /parcours/", "  /traces/", "  /competences/", *tail]
        (out / "mkdocs-blog.yml").write_text("\n".join(blog) + "\n", encoding="utf-8")

    def write_blog(self, out: Path) -> None:
        """docs-blog/: the public notes, récits as blog posts (see the module's docstring)."""
        docs = out / "docs-blog"
        if docs.exists():
            shutil.rmtree(docs)
        titles = {cid: title for cid, title, _ in COMPETENCES}
        recits = {e.path: e for e in self.recits}
        files = {path: data for path, data in self.files.items()
                 if path not in self.private_paths and not path.startswith("journal/")}
        files["blog/index.md"] = "# Récits\n".encode()
        files["tags.md"] = "# Compétences\n\n<!-- material/tags -->\n".encode()
        for path in [p for p in files if p in recits]:
            entry, text = recits[path], files.pop(path).decode("utf-8")
            body = text.split("\n---\n", 1)[1].lstrip("\n")
            blocks = body.split("\n\n")  # the excerpt: the first section's heading and paragraph
            day = entry.start or dt.date(entry.year, 1, 1)  # récits always have one
            front = self.front([("title", entry.title), ("date", day.isoformat()),
                                ("tags", [titles[cid] for cid in entry.extra["competences"]])])
            post = (f"{front}\n# {entry.title}\n\n" + "\n\n".join(blocks[:2]) + "\n\n<!-- more -->\n\n"
                    + "\n\n".join(blocks[2:]))
            files[f"blog/posts/{entry.year}/{entry.id}.md"] = post.encode("utf-8")
        for path, data in sorted(files.items()):
            target = docs / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)


def generate(n: int, out: Path, seed: int = 0, chosen: int = 0) -> dict[str, int]:
    gen = Generator(n, seed, chosen)
    gen.generate()
    out.mkdir(parents=True, exist_ok=True)
    return gen.write(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of récits (parcours: N/10, traces: N/5)")
    parser.add_argument("out", type=Path, help="output folder (docs/ and the two configs go there)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dossier", type=int, default=0, metavar="K",
                        help="mark K public récits and traces `dossier: true` (default: none)")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("N must be at least 1")
    stats = generate(args.n, args.out, args.seed, args.dossier)
    print(json.dumps(stats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
