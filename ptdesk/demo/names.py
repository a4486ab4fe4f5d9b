"""Name, street and physician lists for synthetic demo patients (fictional, many languages)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NamePool:
    """First and last names of one language; surnames that change with sex are listed twice."""

    weight: int
    female: tuple[str, ...]
    male: tuple[str, ...]
    last_female: tuple[str, ...]
    last_male: tuple[str, ...] = ()

    def last_names(self, sex: str) -> tuple[str, ...]:
        return self.last_male if sex == "male" and self.last_male else self.last_female


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split(","))


NAME_POOLS: tuple[NamePool, ...] = (
    NamePool(  # English-speaking
        40,
        _split("Emma,Olivia,Sarah,Jessica,Emily,Hannah,Megan,Lauren,Rachel,Katie,Amanda,"
               "Jennifer,Ashley,Chloe,Grace,Abigail,Madison,Natalie,Brooke,Molly"),
        _split("James,Michael,David,Daniel,Matthew,Ryan,Andrew,Joshua,Tyler,Kevin,Brian,"
               "Jason,Nathan,Ethan,Owen,Logan,Caleb,Connor,Dylan,Marcus"),
        _split("Smith,Johnson,Williams,Brown,Jones,Miller,Davis,Wilson,Anderson,Taylor,Thomas,"
               "Moore,Martin,Jackson,Thompson,White,Harris,Clark,Lewis,Walker,Hall,Young,Allen,"
               "Wright,Scott,Green,Baker,Adams,Nelson,Carter,Mitchell,Roberts,Turner,Phillips,"
               "Campbell,Parker,Evans,Edwards,Collins,Stewart,Morris,Murphy,Cook,Rogers,Reed,"
               "Bailey,Cooper,Richardson,Howard,Ward,Peterson,Gray,Hughes,Price,Sanders,Bennett,"
               "Wood,Barnes,Ross,Henderson,Coleman,Jenkins,Perry,Powell,Patterson,Fisher,"
               "O'Brien,O'Connor,McCarthy,Sullivan,Van der Berg,St. Clair"),
    ),
    NamePool(  # Spanish
        12,
        _split("María,Lucía,Sofía,Valentina,Camila,Inés,Ximena,Mónica,Verónica,Begoña,Ana Belén"),
        _split("José,Alejandro,Andrés,Jesús,Raúl,Martín,Sebastián,Tomás,Iñigo,Joaquín,Juan Pablo"),
        _split("García,Fernández,González,Rodríguez,López,Martínez,Sánchez,Pérez,Gómez,Jiménez,"
               "Muñoz,Díaz,Hernández,Álvarez,Romero,Peña,Ibáñez,Castaño,Núñez,De la Cruz"),
    ),
    NamePool(  # South and East Asian, West African, Arabic (written in Latin letters)
        16,
        _split("Priya,Ananya,Kavya,Mei,Xiaoling,Yuna,Ji-woo,Haruka,Aiko,Chiamaka,Ngozi,Adaeze,"
               "Fatima,Layla,Nour"),
        _split("Arjun,Rohan,Vikram,Wei,Jun,Hao,Min-jun,Hiroshi,Kenji,Chinedu,Tunde,Emeka,Omar,"
               "Youssef,Karim"),
        _split("Patel,Sharma,Iyer,Reddy,Chen,Wang,Li,Zhang,Kim,Park,Tanaka,Sato,Nakamura,Okafor,"
               "Adeyemi,Nwosu,Haddad,Khalil,Mansour,Al-Amin"),
    ),
    NamePool(  # French
        5,
        _split("Zoé,Chloé,Léa,Hélène,Élodie,Océane,Maëlle,Cécile,Anaïs,Margaux"),
        _split("François,Jérôme,Sébastien,Théo,Loïc,Benoît,Gaël,Rémi,Jean-Luc,Aurélien"),
        _split("Lefèvre,Dubois,Gauthier,Bérenger,Lemaître,Rousseau,Moreau,Caron,Fournier,Girard,"
               "Mercier,Fontaine,Le Goff,D'Aubigné"),
    ),
    NamePool(  # German
        5,
        _split("Lena,Käthe,Jördis,Anja,Sünje,Mareike,Jülide,Annegret,Hannelore"),
        _split("Jürgen,Jörg,Günther,Lukas,Matthias,Jens,Sönke,Klaus-Peter"),
        _split("Müller,Schröder,Köhler,Groß,Weiß,Bäcker,Schäfer,Krüger,Hoffmann,Schneider,"
               "Wagner,Fuchs,Meißner,von Bülow"),
    ),
    NamePool(  # Scandinavian
        4,
        _split("Åsa,Ingrid,Sigrid,Linnéa,Maja,Solveig,Siv,Ragnhild,Zoë"),
        _split("Søren,Bjørn,Øystein,Lars,Anders,Håkon,Jørgen,Mats"),
        _split("Ødegård,Åberg,Sørensen,Lindqvist,Hansen,Johansson,Bjørnstad,Nyström,Larsen,"
               "Ekström,Fæhn,Løvås"),
    ),
    NamePool(  # Polish and Czech
        4,
        _split("Małgorzata,Agnieszka,Zofia,Kateřina,Lucie,Zuzana,Łucja,Bożena"),
        _split("Łukasz,Paweł,Wojciech,Tomáš,Jiří,Ondřej,Michał,Radosław"),
        _split("Nowak,Wójcik,Kowalczyk,Mazur,Krawczyk,Dvořák,Procházka,Kučera,Wróbel,Michalak"),
    ),
    NamePool(  # Irish
        4,
        _split("Siobhán,Aoife,Niamh,Róisín,Saoirse,Caoimhe"),
        _split("Seán,Ciarán,Pádraig,Oisín,Éamon,Darragh"),
        _split("O'Neill,Byrne,Kelly,Doyle,Gallagher,Quinn,Ní Bhriain,MacGiolla"),
        _split("O'Neill,Byrne,Kelly,Doyle,Gallagher,Quinn,Ó Briain,MacGiolla"),
    ),
    NamePool(  # Portuguese
        4,
        _split("Conceição,Inês,Beatriz,Letícia,Luíza,Joana,Mariana"),
        _split("João,Antônio,Gonçalo,Sérgio,Vinícius,Tiago,Rui"),
        _split("Gonçalves,Magalhães,Araújo,Simões,Brandão,Ribeiro,Assunção,Guimarães"),
    ),
    NamePool(  # Vietnamese
        3,
        _split("Thảo,Ngọc,Phương,Hạnh,Linh,Trâm"),
        _split("Minh,Đức,Quốc,Huy,Tuấn,Khoa"),
        _split("Nguyễn,Trần,Lê,Phạm,Hoàng,Võ,Đặng"),
    ),
    NamePool(  # Turkish (no dotless i: search folding does not map it to 'i')
        2,
        _split("Elif,Zeynep,Büşra,Gül,Özlem,Şule"),
        _split("Emre,Mehmet,Gökhan,Oğuz,Çağatay,Hüseyin"),
        _split("Öztürk,Şahin,Doğan,Çelik,Kaya,Demir,Koç,Güneş"),
    ),
    NamePool(  # Greek, in Greek letters
        1,
        _split("Αικατερίνη,Ελένη,Μαρία,Σοφία"),
        _split("Γιώργος,Νίκος,Δημήτρης,Κώστας"),
        _split("Παπαδοπούλου,Οικονόμου,Γεωργίου,Νικολάου"),
        _split("Παπαδόπουλος,Οικονόμου,Γεωργίου,Νικολάου"),
    ),
    NamePool(  # Russian and Ukrainian, in Cyrillic letters
        1,
        _split("Анастасия,Ольга,Наталья,Юлия"),
        _split("Алексей,Дмитрий,Сергей,Андрій"),
        _split("Кузнецова,Соколова,Иванова,Шевченко"),
        _split("Кузнецов,Соколов,Иванов,Шевченко"),
    ),
)

STREETS = _split("Alder,Birch,Cedar,Elm,Fern Hill,Harbor,Juniper,Lakeview,Maple,Oak,Pine,"
                 "Riverside,Spruce,Sunset,Willow,Columbia,Hawthorne,Division,Burnside,Market")
STREET_KINDS = _split("Street,Avenue,Road,Lane,Drive,Court,Way,Boulevard")
CITIES = _split("Portland OR 97205,Beaverton OR 97005,Lake Oswego OR 97034,Tigard OR 97223,"
                "Gresham OR 97030,Hillsboro OR 97123,Vancouver WA 98660,Milwaukie OR 97222")
PHYSICIANS = _split("Dr. Helen Marsh,Dr. Samuel Ortiz,Dr. Inés Caldera,Dr. Robert Kim,"
                    "Dr. Anjali Desai,Dr. Thomas Becker,Dr. Olivia Grant,Dr. Mateus Rocha,"
                    "Dr. Fiona Walsh,Dr. Kwame Asante")
AREA_CODES = (503, 971, 360)
