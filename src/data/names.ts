// Constant name lists. Entities index into them through hash32, so names look random but never change.

export const FEMALE_FIRST_NAMES: readonly string[] = [
  'Olivia', 'Emma', 'Charlotte', 'Amelia', 'Sophia', 'Mia', 'Isabella', 'Ava', 'Evelyn', 'Luna',
  'Harper', 'Sofia', 'Camila', 'Eleanor', 'Elizabeth', 'Violet', 'Scarlett', 'Emily', 'Hazel', 'Lily',
  'Gianna', 'Aurora', 'Penelope', 'Aria', 'Nora', 'Chloe', 'Ellie', 'Mila', 'Avery', 'Layla',
  'Abigail', 'Ella', 'Isla', 'Eliana', 'Nova', 'Madison', 'Zoe', 'Ivy', 'Grace', 'Lucy',
  'Maria', 'Ximena', 'Aaliyah', 'Priya', 'Mei', 'Fatima', 'Naomi', 'Valeria', 'Keisha', 'Hannah',
];

export const MALE_FIRST_NAMES: readonly string[] = [
  'Liam', 'Noah', 'Oliver', 'James', 'Elijah', 'Mateo', 'Theodore', 'Henry', 'Lucas', 'William',
  'Benjamin', 'Levi', 'Sebastian', 'Jack', 'Ezra', 'Michael', 'Daniel', 'Leo', 'Owen', 'Samuel',
  'Hudson', 'Alexander', 'Asher', 'Luca', 'Ethan', 'John', 'David', 'Jackson', 'Joseph', 'Mason',
  'Luke', 'Matthew', 'Julian', 'Dylan', 'Elias', 'Jacob', 'Maverick', 'Gabriel', 'Logan', 'Aiden',
  'Jose', 'Santiago', 'Malik', 'Arjun', 'Wei', 'Omar', 'Andre', 'Diego', 'Tyrone', 'Caleb',
];

export const LAST_NAMES: readonly string[] = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin',
  'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson',
  'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores',
  'Green', 'Adams', 'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts',
  'Patel', 'Kim', 'Chen', 'Okafor', 'Washington', 'Reyes', 'Murphy', 'Cook', 'Rogers', 'Morgan',
  'Peterson', 'Cooper', 'Reed', 'Bailey',
];

/** Place names for schools: '<prefix><place> <level>', e.g. 'North Cedar Creek High School'. */
export const SCHOOL_PLACES: readonly string[] = [
  'Lakeview', 'Cedar Creek', 'Maple Grove', 'Riverside', 'Oak Hill', 'Pine Ridge', 'Willow Bend', 'Sunset',
  'Meadowbrook', 'Fairview', 'Highland', 'Brookside', 'Stonebridge', 'Eagle Crest', 'Silver Lake', 'Prairie View',
  'Harbor Point', 'Kingsley', 'Foxwood', 'Aspen Park', 'Bluebonnet', 'Clearwater', 'Deer Run', 'Elm Street',
  'Franklin', 'Garfield', 'Hawthorne', 'Jefferson', 'Lincoln', 'Madison', 'Roosevelt', 'Washington',
  'Westwood', 'Northgate', 'Summit', 'Valley Forge', 'Whispering Pines', 'Heritage', 'Canyon Ridge', 'Mesa Verde',
];

export const SCHOOL_PLACE_PREFIXES: readonly string[] = ['', 'North ', 'South ', 'East ', 'West ', 'New ', 'Upper ', 'Lower '];

export const LEA_NAME = 'Lakeview Township Schools';
export const EMAIL_DOMAIN = 'lakeviewschools.example.org';
