#!/usr/bin/python3
"""Synthetic customer master ("Maestra de Clientes") and agent queries for benchmarks.

Writes, deterministically for a given --seed and --rows:

  OUT_DIR/customers-NN.tsv  the master, in chunks of --chunk-rows rows (the importer
                            refuses files over 64 MiB, so 1M rows cannot be one file).
                            Columns: the source's four (GRUPO ECONOMICO, CLIENTES,
                            CRÍTICO, TECNOLOGIA) plus CODIGO, NIT, REGION, SEGMENTO,
                            BLOQUEOS, EMAIL, TELEFONO.
  OUT_DIR/queries.tsv       what agents type: class<TAB>query<TAB>expected CODIGO
                            (empty for group and miss queries).

The master looks like the desk's spreadsheet: Colombian and Chilean legal names
built from sector words, family names, places and brand words, with legal forms
(S.A., S.A.S., Ltda., SpA, E.S.P., y Cía.), in upper case or mixed case, with and
without accents (the same sheet is typed by many hands). About 5% of rows belong
to an economic group ("GRUPO ...", "ORGANIZACIÓN ... - BOG"), about 15% are
"Prioritario", technologies are the seed's ("Legacy sin Out", "SDWAN con Out Vipt").
CODIGO and NIT/RUT are unique (NIT with its DIAN check digit, RUT with mod 11).

Query classes (see QUERY_MIX): exact (the legal name as stored), folded (lower
case, no accents, no legal form), prefix (the first 2-12 characters, as typed),
typo (one edit in one word of 5+ letters), group (a group's name), code (CODIGO
or NIT digits), miss (names that are not in the master).

Python standard library only. Usage:
  bench/gen_customers.py --rows 1000000 --seed 42 --out-dir /tmp/atiende-bench/data
"""

import argparse
import os
import random
import sys
import unicodedata

# ---------------------------------------------------------------- vocabularies

SECTORS = [
    "Transportes", "Distribuidora", "Comercializadora", "Inversiones", "Constructora",
    "Inmobiliaria", "Agrícola", "Agroindustrial", "Ganadera", "Avícola", "Pesquera",
    "Industrias", "Manufacturas", "Textiles", "Confecciones", "Calzado", "Curtiembres",
    "Laboratorios", "Droguería", "Farmacéutica", "Clínica", "Centro Médico", "I.P.S.",
    "Servicios", "Soluciones", "Consultores", "Asesorías", "Ingeniería", "Tecnología",
    "Sistemas", "Telecomunicaciones", "Redes", "Logística", "Almacenes", "Supermercados",
    "Panadería", "Panificadora", "Lechería", "Lácteos", "Alimentos", "Productos Alimenticios",
    "Frigorífico", "Restaurante", "Hotel", "Hostal", "Viajes", "Turismo", "Colegio",
    "Instituto", "Fundación", "Corporación", "Cooperativa", "Ferretería", "Materiales",
    "Cementos", "Ladrillera", "Metalúrgica", "Metalmecánica", "Aceros", "Plásticos",
    "Químicos", "Pinturas", "Papeles", "Cartones", "Impresos", "Editorial", "Gráficas",
    "Muebles", "Maderas", "Aserradero", "Minera", "Energía", "Eléctricas", "Gas",
    "Combustibles", "Estación de Servicio", "Lubricantes", "Automotores", "Autopartes",
    "Repuestos", "Motos", "Seguridad", "Vigilancia", "Aseo", "Mantenimiento", "Flores",
    "Floricultura", "Viñedos", "Viña", "Frutícola", "Exportadora", "Importadora",
    "Agencia de Aduanas", "Corredores de Seguros", "Financiera", "Fiduciaria",
    "Inversora", "Holding", "Laboratorio Clínico", "Óptica", "Dental", "Veterinaria",
    "Funeraria", "Comunicaciones", "Radio", "Televisión", "Publicidad", "Eventos",
    "Catering", "Casino", "Lavandería", "Textil", "Curtidos", "Ingenio", "Trapiche",
    "Molinos", "Arrocera", "Cafetera", "Tostadora de Café", "Bodegas", "Frigoríficos",
    "Acuícola", "Salmones", "Mariscos", "Harinas", "Aceites", "Bebidas", "Embotelladora",
    "Cervecería", "Licores", "Tabacalera", "Droguerías", "Distribuciones", "Montajes",
    "Obras Civiles", "Pavimentos", "Excavaciones", "Geotecnia", "Topografía",
    "Arquitectura", "Diseño", "Software", "Datos", "Cómputo", "Electrónica",
]

FAMILY = [
    "Gómez", "Rodríguez", "González", "Martínez", "López", "García", "Pérez", "Sánchez",
    "Ramírez", "Torres", "Díaz", "Vargas", "Moreno", "Rojas", "Jiménez", "Muñoz",
    "Castro", "Ortiz", "Álvarez", "Ruiz", "Hernández", "Romero", "Suárez", "Herrera",
    "Medina", "Aguilar", "Castillo", "Mejía", "Restrepo", "Echeverri", "Londoño", "Arango",
    "Uribe", "Ochoa", "Zuluaga", "Betancur", "Giraldo", "Cardona", "Quintero", "Osorio",
    "Valencia", "Salazar", "Duque", "Henao", "Montoya", "Villegas", "Correa", "Escobar",
    "Gaviria", "Posada", "Santamaría", "Sarmiento", "Lleras", "Pastrana", "Samper",
    "Holguín", "Caicedo", "Lozano", "Barrera", "Cárdenas", "Bermúdez", "Calderón",
    "Camacho", "Cortés", "Delgado", "Figueroa", "Fuentes", "Guerrero", "Ibáñez", "Lara",
    "León", "Maldonado", "Márquez", "Molina", "Navarro", "Núñez", "Ospina", "Pardo",
    "Peña", "Pineda", "Quiroga", "Reyes", "Rincón", "Ríos", "Rivera", "Salas", "Sandoval",
    "Serrano", "Silva", "Soto", "Tovar", "Trujillo", "Valdés", "Vega", "Vélez", "Zapata",
    "Contreras", "Espinoza", "Sepúlveda", "Morales", "Araya", "Fuenzalida", "Valenzuela",
    "Tapia", "Carrasco", "Riquelme", "Bustos", "Vergara", "Cáceres", "Saavedra", "Pizarro",
    "Henríquez", "Cifuentes", "Bravo", "Olivares", "Jara", "Gallardo", "Leiva", "Troncoso",
    "Venegas", "Alarcón", "Aravena", "Yáñez", "Poblete", "Orellana", "Toledo", "Sáez",
    "Errázuriz", "Larraín", "Matte", "Edwards", "Luksic", "Angelini", "Solari", "Said",
    "Yarur", "Ibáñez", "Undurraga", "Vial", "Ossa", "Montt", "Balmaceda", "Irarrázaval",
    "Ardila", "Santo Domingo", "Sarmiento Angulo", "Gilinski", "Char", "Eder", "Lloreda",
    "Mondragón", "Botero", "Villamizar", "Castaño", "Marulanda", "Jaramillo", "Mesa",
    "Agudelo", "Bedoya", "Benítez", "Bolívar", "Buitrago", "Cadavid", "Cano", "Carmona",
    "Chaparro", "Cuervo", "Durán", "Estrada", "Forero", "Gallego", "Galvis", "Garzón",
    "Guzmán", "Hoyos", "Isaza", "Lopera", "Manrique", "Mora", "Murillo", "Naranjo",
    "Niño", "Obando", "Orozco", "Otálora", "Palacio", "Parra", "Patiño", "Pulido",
    "Quintana", "Rendón", "Salgado", "Tamayo", "Urrego", "Vallejo", "Velásquez", "Zamora",
]

PLACES = [
    "Andina", "del Pacífico", "del Caribe", "del Cauca", "del Valle", "de Antioquia",
    "de la Sabana", "del Llano", "del Huila", "del Tolima", "de Santander", "de Boyacá",
    "de Nariño", "del Quindío", "de Caldas", "de Risaralda", "del Meta", "de Córdoba",
    "del Atlántico", "de Bolívar", "del Magdalena", "del Cesar", "de La Guajira",
    "de Cundinamarca", "de Bogotá", "de Medellín", "de Cali", "de Barranquilla",
    "de Cartagena", "de Bucaramanga", "de Pereira", "de Manizales", "de Ibagué",
    "de Villavicencio", "de Pasto", "de Cúcuta", "de Montería", "de Neiva", "de Tunja",
    "del Norte", "del Sur", "de Oriente", "de Occidente", "Central", "Nacional",
    "Internacional", "Global", "Continental", "Latinoamericana", "Colombiana", "Chilena",
    "de Chile", "del Maule", "de Atacama", "de Coquimbo", "de Valparaíso", "del Biobío",
    "de la Araucanía", "de Los Lagos", "de Los Ríos", "de Magallanes", "de Aysén",
    "de Antofagasta", "de Tarapacá", "de Arica", "de Ñuble", "de O'Higgins",
    "Metropolitana", "de Santiago", "de Concepción", "de Temuco", "de Puerto Montt",
    "de Osorno", "de Chillán", "de Talca", "de Rancagua", "de La Serena", "de Iquique",
    "de Calama", "de Punta Arenas", "Austral", "Patagónica", "Cordillerana",
    "del Altiplano", "Costera", "Insular", "Llanera", "Paisa", "Costeña", "Vallecaucana",
]

BRANDS = [
    "Los Robles", "La Espiga", "El Roble", "San Rafael", "San José", "Santa Fe",
    "Santa Lucía", "San Antonio", "La Esperanza", "El Progreso", "La Victoria", "El Sol",
    "La Estrella", "El Cóndor", "La Montaña", "El Bosque", "Las Palmas", "Los Andes",
    "La Sabana", "El Prado", "La Colina", "Los Pinos", "Los Álamos", "Las Acacias",
    "El Dorado", "La Pradera", "Bahía", "Mirador", "Horizonte", "Aurora", "Alborada",
    "Amanecer", "Arcoíris", "Cumbre", "Nevado", "Volcán", "Laguna", "Río Claro",
    "Agua Clara", "Piedra Blanca", "Tierra Buena", "Buen Pastor", "Nueva Era",
    "Nuevo Milenio", "Siglo XXI", "Alfa", "Omega", "Delta", "Sigma", "Génesis", "Fénix",
    "Apolo", "Atlas", "Titán", "Olimpo", "Zeus", "Hermes", "Orión", "Pegaso", "Centauro",
    "Cóndor", "Colibrí", "Jaguar", "Puma", "Halcón", "Águila", "Gaviota", "Pelícano",
    "Tucán", "Guacamaya", "Ceiba", "Guadua", "Yarumo", "Samán", "Araucaria", "Quillay",
    "Copihue", "Peumo", "Litre", "Boldo", "Maqui", "Lúcuma", "Chirimoya", "Guayaba",
    "Maracuyá", "Lulo", "Mora Azul", "Café de Altura", "Cacao Fino", "Panela Dorada",
]

LINKERS = ["y", "e", "&"]

# Invented brand words ("Tecnoquímicas", "Coltefinanciera", "Alpina"): a stem and
# one or two syllables. They give the master a realistic long tail of rare words
# (tens of thousands of distinct terms at 1M rows).
BRAND_STEMS = ["Tecno", "Agro", "Indu", "Colom", "Inter", "Multi", "Servi", "Proto", "Dista",
               "Colte", "Ferro", "Petro", "Hidro", "Electro", "Quimi", "Metal", "Pana",
               "Andi", "Alpi", "Provi", "Comer", "Cons", "Dis", "Gas", "Farma", "Medi",
               "Trans", "Expo", "Impo", "Super", "Mega", "Nutri", "Vita", "Bio", "Eco",
               "Geo", "Info", "Tele", "Radio", "Cine", "Auto", "Moto", "Aero", "Naval",
               "Sur", "Nor", "Occi", "Orien", "Pacifi", "Atlanti", "Cari", "Ande", "Llano"]
BRAND_SYLLABLES = ["na", "ma", "sur", "tex", "quim", "via", "lac", "mar", "sol", "ven",
                   "cor", "lan", "tel", "gas", "mec", "flex", "fin", "cap", "val", "plast",
                   "med", "pan", "lit", "tec", "for", "rex", "ter", "cam", "dor", "bel",
                   "col", "ser", "gal", "min", "pet", "ron", "lux", "nor", "san", "tal"]

SUFFIX_CO = [("S.A.S.", 40), ("S.A.", 25), ("Ltda.", 15), ("S.A. E.S.P.", 3),
             ("E.U.", 2), ("S. en C.", 2), ("y Cía. Ltda.", 2), ("S.A.S", 4), ("SAS", 4),
             ("S. A.", 2), ("LTDA", 1)]
SUFFIX_CL = [("SpA", 40), ("Ltda.", 25), ("S.A.", 20), ("E.I.R.L.", 6), ("Limitada", 4),
             ("y Cía. Ltda.", 2), ("S.A", 3)]

TECHNOLOGIES = [("Legacy sin Out", 40), ("Legacy con Out", 15), ("SDWAN con Out Vipt", 15),
                ("SDWAN con Out Fort", 10), ("SDWAN sin Out Vipt", 12), ("SDWAN sin Out Fort", 8)]

REGIONS_CO = ["Bogotá D.C.", "Antioquia", "Valle del Cauca", "Atlántico", "Santander",
              "Cundinamarca", "Bolívar", "Risaralda", "Caldas", "Tolima", "Huila", "Meta",
              "Nariño", "Boyacá", "Córdoba", "Norte de Santander", "Magdalena", "Cesar"]
REGIONS_CL = ["Metropolitana", "Valparaíso", "Biobío", "Maule", "Coquimbo", "Los Lagos",
              "Araucanía", "O'Higgins", "Antofagasta", "Ñuble", "Los Ríos", "Atacama",
              "Tarapacá", "Magallanes", "Aysén", "Arica y Parinacota"]

SEGMENTS_CO = [("corporativo", 50), ("empresas", 35), ("gobierno", 5), ("pyme", 10)]
SEGMENTS_CL = [("granel", 45), ("envasado", 20), ("empresas", 25), ("corporativo", 10)]

# Names absent from the master (for the "miss" class): foreign family names and
# invented brands, alone or after a sector word.
MISS_WORDS = ["Kowalczyk", "Nakamura", "Schwarzenegger", "Papadopoulos", "Abramovich",
              "Oyelaran", "Vanderbilt", "Tchaikovsky", "Mbappé", "Kuznetsov", "Haugland",
              "Zbigniew", "Quetzalcoatl", "Xochimilco", "Wójcik", "Szczepański", "Yamamoto",
              "Okonkwo", "Fitzgerald", "Björklund", "Thorvaldsen", "Grzegorz", "Nguyen",
              "Dvořák", "Przybylski", "Kaczmarek", "Oyelowo", "Adeyemi", "Rasmussen"]

QUERY_MIX = [("exact", 0.15), ("folded", 0.20), ("prefix", 0.25), ("typo", 0.15),
             ("group", 0.08), ("code", 0.10), ("miss", 0.07)]


def weighted(rng, pairs):
    total = sum(w for _, w in pairs)
    x = rng.uniform(0, total)
    for v, w in pairs:
        x -= w
        if x <= 0:
            return v
    return pairs[-1][0]


def strip_accents(s):
    # "Ñ" -> "N" too: agents type on keyboards without it.
    return "".join(c for c in unicodedata.normalize("NFD", s)
                   if unicodedata.category(c) != "Mn")


# ---------------------------------------------------------------- identifiers

def nit_check_digit(number):
    """DIAN check digit (Colombia) for a 9-digit NIT."""
    weights = [3, 7, 13, 17, 19, 23, 29, 37, 41, 43, 47, 53, 59, 67, 71]
    digits = [int(c) for c in reversed(str(number))]
    s = sum(d * weights[i] for i, d in enumerate(digits))
    r = s % 11
    return r if r in (0, 1) else 11 - r


def rut_check_digit(number):
    """Módulo 11 check digit (Chile)."""
    s, m = 0, 2
    for c in reversed(str(number)):
        s += int(c) * m
        m = 2 if m == 7 else m + 1
    r = 11 - s % 11
    return "0" if r == 11 else "K" if r == 10 else str(r)


def dotted(n):
    return f"{n:,}".replace(",", ".")


def permute(i, modulus, mult, add):
    """A bijection on [0, modulus) (mult is coprime with modulus)."""
    return (i * mult + add) % modulus


# ---------------------------------------------------------------- names

def legal_form(rng, chile):
    return weighted(rng, SUFFIX_CL if chile else SUFFIX_CO)


def invented(rng):
    word = rng.choice(BRAND_STEMS) + rng.choice(BRAND_SYLLABLES)
    if rng.random() < 0.5:
        word += rng.choice(BRAND_SYLLABLES)
    return word.capitalize() if not word[0].isupper() else word[0] + word[1:].lower()


def base_name(rng):
    """A legal name without its legal form, in mixed case with accents."""
    fam = rng.choice
    if rng.random() < 0.25:
        k = rng.random()
        if k < 0.4:
            return invented(rng)
        if k < 0.8:
            return f"{fam(SECTORS)} {invented(rng)}"
        return f"{invented(rng)} {fam(PLACES)}"
    k = rng.random()
    if k < 0.22:
        return f"{fam(SECTORS)} {fam(FAMILY)}"
    if k < 0.36:
        return f"{fam(SECTORS)} {fam(FAMILY)} {fam(FAMILY)}"
    if k < 0.50:
        return f"{fam(SECTORS)} {fam(PLACES)}"
    if k < 0.62:
        return f"{fam(SECTORS)} {fam(BRANDS)}"
    if k < 0.70:
        return f"{fam(FAMILY)} {rng.choice(LINKERS)} {fam(FAMILY)}"
    if k < 0.76:
        return f"{fam(FAMILY)} Hermanos"
    if k < 0.84:
        return f"{fam(SECTORS)} {fam(BRANDS)} {fam(PLACES)}"
    if k < 0.90:
        return f"{fam(SECTORS)} y {fam(SECTORS)} {fam(FAMILY)}"
    if k < 0.95:
        return f"{fam(BRANDS)} {fam(PLACES)}"
    # Acronym-led names: "C.I. ...", "I.P.S. ...", "RCN ..."
    acr = rng.choice(["C.I.", "I.P.S.", "E.P.S.", "G.M.", "A.B.C.", "T.C.C.", "J.M.",
                      "RCN", "ETB", "UNE", "TCC", "SKN", "DHL Andina"])
    return f"{acr} {fam(SECTORS)} {fam(FAMILY)}"


def render_case(rng, name):
    """How the sheet was typed: upper case (half of it), accents dropped (a third)."""
    if rng.random() < 0.33:
        name = strip_accents(name)
    if rng.random() < 0.5:
        name = name.upper()
    return name


def typo(rng, word):
    """One edit (substitution, deletion, insertion or adjacent transposition)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    i = rng.randrange(1, len(word) - 1)  # keep the first letter, as people do
    k = rng.randrange(4)
    if k == 0:
        c = rng.choice([x for x in letters if x != word[i]])
        return word[:i] + c + word[i + 1:]
    if k == 1:
        return word[:i] + word[i + 1:]
    if k == 2:
        return word[:i] + rng.choice(letters) + word[i:]
    if word[i] == word[i + 1]:
        return word[:i] + rng.choice(letters) + word[i + 1:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


# ---------------------------------------------------------------- the master

def make_groups(rng, rows):
    """~5% of rows belong to a group of 2..40 members. Returns {row: group name}."""
    target = int(rows * 0.05)
    members = {}
    names = set()
    sizes = []
    while sum(sizes) < target:
        sizes.append(min(rng.choice([2, 2, 3, 3, 4, 5, 6, 8, 10, 15, 20, 40]), target))
    picked = rng.sample(range(rows), min(rows, sum(sizes)))
    pos = 0
    for size in sizes:
        while True:
            k = rng.random()
            if k < 0.4:
                g = f"GRUPO {rng.choice(FAMILY)}"
            elif k < 0.65:
                g = f"ORGANIZACIÓN {rng.choice(FAMILY)} {rng.choice(FAMILY)}"
            elif k < 0.85:
                g = f"{rng.choice(SECTORS)} {rng.choice(BRANDS)} S.A."
            else:
                g = f"Holding {rng.choice(BRANDS)}"
            g = render_case(rng, g)
            if g not in names:
                break
        names.add(g)
        city = rng.choice(["BOG", "CAL", "MED", "BAQ", "SCL"]) if rng.random() < 0.2 else ""
        for _ in range(size):
            if pos >= len(picked):
                break
            # A fifth of the groups carry a city ("- BOG"), on most of their rows only.
            gname = g
            if city and rng.random() < 0.7:
                gname = f"{g} - {city}"
            if rng.random() < 0.1:
                gname = strip_accents(gname)
            members[picked[pos]] = gname
            pos += 1
    return members


def customer_row(rng, i, groups):
    chile = rng.random() < 0.35
    base = base_name(rng)
    group = groups.get(i, "")
    if group and rng.random() < 0.5:
        # Members often carry the group's brand word.
        core = group.split(" - ")[0].split(" ", 1)[-1]
        core = core.replace(" S.A.", "")
        base = f"{rng.choice(SECTORS)} {core.title()}"
    name = render_case(rng, f"{base} {legal_form(rng, chile)}")
    # Identifiers: bijections of the row number keep them unique.
    code = str(1_000_000 + permute(i, 9_000_000, 2_718_283, 12_345))
    if chile:
        n = 76_000_000 + permute(i, 3_999_991, 1_234_567, 89)
        tax = f"{dotted(n)}-{rut_check_digit(n)}"
        region = rng.choice(REGIONS_CL)
        segment = weighted(rng, SEGMENTS_CL)
        area = rng.choice(["2", "32", "41", "51", "65", "71"])
        phone = f"+56 {area} {rng.randrange(2000, 2999)} {rng.randrange(1000, 9999)}"
    else:
        n = 800_000_000 + permute(i, 199_999_991, 48_271, 7)
        tax = f"{dotted(n)}-{nit_check_digit(n)}"
        region = rng.choice(REGIONS_CO)
        segment = weighted(rng, SEGMENTS_CO)
        phone = f"+57 60{rng.randrange(1, 8)} {rng.randrange(200, 799)} {rng.randrange(1000, 9999)}"
    critical = "Prioritario" if rng.random() < 0.15 else ""
    tech = weighted(rng, TECHNOLOGIES)
    blocks = "ZB" if segment == "granel" and rng.random() < 0.04 else ""
    slug = "".join(c for c in strip_accents(base).lower() if c.isalnum())[:18] or "cliente"
    email = f"contacto@{slug}.{'cl' if chile else 'com.co'}" if rng.random() < 0.6 else ""
    return [group, name, critical, tech, code, tax, region, segment, blocks, email, phone]


HEADER = ["GRUPO ECONOMICO", "CLIENTES", "CRÍTICO", "TECNOLOGIA", "CODIGO", "NIT", "REGION",
          "SEGMENTO", "BLOQUEOS", "EMAIL", "TELEFONO"]


# ---------------------------------------------------------------- queries

LEGAL_TAILS = ["S.A.S.", "S.A.S", "SAS", "S.A. E.S.P.", "S.A.", "S.A", "S. A.", "LTDA.",
               "LTDA", "Ltda.", "SpA", "SPA", "E.I.R.L.", "Limitada", "LIMITADA", "E.U.",
               "S. en C.", "S. EN C.", "y Cía. Ltda.", "Y CÍA. LTDA.", "Y CIA. LTDA."]


def without_legal_form(name):
    for t in sorted(LEGAL_TAILS, key=len, reverse=True):
        if name.endswith(" " + t):
            return name[: -len(t) - 1]
    return name


def folded_query(name):
    return strip_accents(without_legal_form(name)).lower().replace(".", "")


def make_query(rng, cls, row, group_names):
    group, name, code, tax = row[0], row[1], row[4], row[5]
    if cls == "exact":
        return name, code
    if cls == "folded":
        return folded_query(name), code
    if cls == "prefix":
        q = folded_query(name)
        n = rng.randint(2, 12)
        return q[:n].rstrip(), code
    if cls == "typo":
        words = folded_query(name).split()
        long_words = [k for k, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
        if not long_words:
            return None
        k = rng.choice(long_words)
        words[k] = typo(rng, words[k])
        return " ".join(words), code
    if cls == "group":
        if not group_names:
            return None
        g = rng.choice(group_names)
        g = g.split(" - ")[0]
        return (g if rng.random() < 0.5 else strip_accents(g).lower()), ""
    if cls == "code":
        if rng.random() < 0.6:
            return code, code
        return "".join(c for c in tax if c.isdigit())[:-1], code  # NIT without check digit
    if cls == "miss":
        k = rng.random()
        w = rng.choice(MISS_WORDS)
        if k < 0.5:
            return w, ""
        if k < 0.8:
            return f"{w} {rng.choice(MISS_WORDS)}", ""
        return f"{strip_accents(rng.choice(SECTORS)).lower()} {w.lower()}", ""
    raise ValueError(cls)


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("--chunk-rows", type=int, default=250_000,
                    help="rows per customers-NN.tsv file (the importer's limit is 64 MiB)")
    ap.add_argument("--queries", type=int, default=5000, help="number of queries")
    args = ap.parse_args()
    if args.rows < 1 or args.chunk_rows < 1:
        ap.error("--rows and --chunk-rows must be positive")
    if args.rows > 3_999_991:
        ap.error("--rows is limited to 3,999,991 (unique RUT space)")

    os.makedirs(args.out_dir, exist_ok=True)
    rng = random.Random(args.seed)
    groups = make_groups(rng, args.rows)
    group_names = sorted(set(groups.values()))

    # Rows picked for queries, chosen up front so the master is written in one pass.
    qrng = random.Random(args.seed + 1)
    wanted = {}
    classes = []
    for cls, share in QUERY_MIX:
        classes += [cls] * round(args.queries * share)
    qrng.shuffle(classes)
    for k, cls in enumerate(classes):
        wanted.setdefault(qrng.randrange(args.rows), []).append(k)
    picked = {}

    chunk, out, written = 0, None, 0
    for i in range(args.rows):
        if i % args.chunk_rows == 0:
            if out:
                out.close()
            chunk += 1
            out = open(os.path.join(args.out_dir, f"customers-{chunk:02d}.tsv"), "w",
                       encoding="utf-8", newline="\n")
            out.write("\t".join(HEADER) + "\n")
        row = customer_row(rng, i, groups)
        out.write("\t".join(row) + "\n")
        written += 1
        if i in wanted:
            picked[i] = row
    out.close()

    lines = [None] * len(classes)
    for i in sorted(wanted):
        for k in wanted[i]:
            cls = classes[k]
            got = make_query(qrng, cls, picked[i], group_names)
            if got is None:  # no long word to misspell: ask for the folded name
                cls, got = "folded", (folded_query(picked[i][1]), picked[i][4])
            if got[0].strip():
                lines[k] = f"{cls}\t{got[0]}\t{got[1]}\n"
    with open(os.path.join(args.out_dir, "queries.tsv"), "w", encoding="utf-8",
              newline="\n") as qf:
        qf.write("class\tquery\texpected_code\n")
        qf.writelines(line for line in lines if line)  # shuffled order
    print(f"wrote {written} customers in {chunk} files and {len(classes)} queries to "
          f"{args.out_dir}", file=sys.stderr)


if __name__ == "__main__":
    main()
